package io.conduit.client.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A query being built: each step method returns a new query with one more step (this one is
 * unchanged, so a prefix can be reused); a result method sends it. For an edge from A to B, the
 * edge's {@code outV} is B and its {@code inV} is A, so {@code outE().outV()} equals {@code outV()}.
 */
public interface GraphQuery {

  /** The steps so far, as sent on the wire. */
  JsonArray steps();

  GraphQuery outV();

  GraphQuery outV(JsonObject filters);

  /** {@code outV} repeated {@code times} times (1 to 100). */
  GraphQuery outV(int times);

  GraphQuery inV();

  GraphQuery inV(JsonObject filters);

  GraphQuery inV(int times);

  GraphQuery bothV();

  GraphQuery bothV(JsonObject filters);

  GraphQuery outE();

  GraphQuery outE(JsonObject filters);

  GraphQuery inE();

  GraphQuery inE(JsonObject filters);

  GraphQuery bothE();

  GraphQuery bothE(JsonObject filters);

  /**
   * From nodes, the node at the other end of each of their edges that match {@code filters} (null for
   * all), over the out-edges then the in-edges; a loop back to the node itself is skipped (GrapheekDB's
   * {@code both_}).
   */
  GraphQuery both(JsonObject filters);

  GraphQuery limit(long n);

  GraphQuery skip(long n);

  /** Each entity once, first occurrence kept. */
  GraphQuery dedup();

  /** Each entity once per combination of the entities these {@link #aka} names named on its way. */
  GraphQuery dedupBy(String... names);

  /** Drops the entities with these ids. */
  GraphQuery without(long... ids);

  /** Drops each entity that one of these {@link #aka} names named on its own way. */
  GraphQuery withoutNamed(String... names);

  /** Sorts by a field: numbers, then strings, then other values; entities without it last. */
  GraphQuery orderBy(String field, boolean descending);

  /** {@code n} entities picked at random. */
  GraphQuery random(int n);

  /**
   * For each entity, one of the entities {@code hop} ({@code "outV"} … {@code "bothE"}) reaches that
   * match {@code filters} (null for all), picked at random; an entity that reaches none drops out.
   */
  GraphQuery randomHop(String hop, JsonObject filters);

  /** Names this point of the query, for {@link #collect}. */
  GraphQuery aka(String name);

  /** Goes back to the entities named by {@link #aka} that led to the current ones. */
  GraphQuery collect(String name);

  /** Entities in this query or the other (each once). */
  GraphQuery union(GraphQuery other);

  GraphQuery intersection(GraphQuery other);

  /** Entities in this query and not in the other. */
  GraphQuery difference(GraphQuery other);

  GraphQuery symmetricDifference(GraphQuery other);

  // ---- results

  CompletionStage<List<Entity>> entities();

  /** Each entity's data, only the named fields when some are named. */
  CompletionStage<List<JsonObject>> data(String... fields);

  CompletionStage<List<Long>> ids();

  CompletionStage<Long> count();

  /** The total of a numeric field (a Long when every value is whole, else a Double). */
  CompletionStage<Number> sum(String field);

  /** The result's share of all the graph's entities of its kind, in percent. */
  CompletionStage<Double> percent();

  /** Removes the entities (a node with its edges), atomically; how many entities went. */
  CompletionStage<Long> remove();

  /**
   * Merges {@code data} into every entity the query gives (each once), atomically (a unique index's
   * refusal undoes all of it); how many were updated.
   */
  CompletionStage<Long> update(JsonObject data);

  /** For each entity reached, the entities these {@link #aka} names named on its way, in order (a row each). */
  CompletionStage<List<List<Entity>>> select(String... names);

  /**
   * Each entity reached with how often, largest first (ties in the order first reached); see
   * {@link GroupCount} for a field's total, shares and order.
   */
  CompletionStage<List<GroupCount.Tally>> groupCount(GroupCount options);
}
