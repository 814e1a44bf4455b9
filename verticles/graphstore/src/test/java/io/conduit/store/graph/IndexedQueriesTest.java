package io.conduit.store.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Indexes change how fast a query is answered, never what it answers: the same writes go to a graph
 * with random indexes (by fields, partial with filters, partial by filters alone) and to one without,
 * and thousands of random queries, between random updates and removals, get the same ids from both.
 */
class IndexedQueriesTest {

  private static final String[] TEXTS = {"ann", "Ann", "anna", "bob", "Bob", "b", "", "cab"};
  private static final String[] LOOKUPS = {"", "__in", "__gt", "__gte", "__lt", "__lte", "__neq", "__isnull",
      "__startswith", "__istartswith", "__contains", "__icontains", "__endswith", "__iexact"};

  private final Random random = new Random(42);
  private final GraphData indexedGraph = new GraphData();
  private final GraphStore indexed = store(indexedGraph);
  private final GraphStore plain = store(new GraphData());

  private static GraphStore store(GraphData graph) {
    return new GraphStore("g", graph, null, GraphStoreOptions.fromJson(new JsonObject()), Map.of(), Runnable::run);
  }

  private Object both(JsonObject request) {
    Object a = comparable(GraphCalls.submit(indexed, request.encode()));
    Object b = comparable(GraphCalls.submit(plain, request.encode()));
    assertEquals(a, b, "different answers to " + request.encode());
    return a;
  }

  private static Object comparable(Object outcome) {
    return outcome instanceof GraphException e ? e.code() + ": " + e.getMessage() : outcome;
  }

  @Test
  void queriesAnswerTheSameWithAndWithoutIndexes() {
    JsonArray nodes = new JsonArray();
    for (int i = 0; i < 600; i++) {
      nodes.add(randomData());
    }
    both(new JsonObject().put("op", "addNodes").put("items", nodes));
    JsonArray edges = new JsonArray();
    for (int i = 0; i < 600; i++) {
      edges.add(new JsonObject().put("from", 1 + random.nextInt(600)).put("to", 1 + random.nextInt(600))
          .put("data", randomData()));
    }
    both(new JsonObject().put("op", "addEdges").put("items", edges));
    int created = 0;
    for (int i = 0; i < 40; i++) {
      Object reply = GraphCalls.submit(indexed, randomIndex().encode());
      created += reply instanceof JsonObject ? 1 : 0; // the same coverage twice is a 409
    }
    assertTrue(created > 25, created + " indexes");
    JsonArray partialOnly = new JsonArray();
    indexedGraph.indexes.list().forEach(ix -> {
      if (((JsonObject) ix).getJsonArray("fields").isEmpty()) {
        partialOnly.add(ix);
      }
    });
    assertTrue(partialOnly.size() >= 3, "partial indexes by filters alone: " + partialOnly);

    int usedIndex = 0;
    for (int round = 0; round < 4_000; round++) {
      if (round % 10 == 9) {
        long id = 1 + random.nextInt(1_200);
        JsonObject write = random.nextBoolean()
            ? new JsonObject().put("op", "update").put("id", id).put("data", randomData()).put("replace", random.nextBoolean())
            : new JsonObject().put("op", "remove").put("id", id);
        both(write);
        continue;
      }
      String kind = random.nextBoolean() ? "node" : "edge";
      JsonObject filters = new JsonObject();
      for (int n = 1 + random.nextInt(3); n > 0; n--) {
        filters.mergeIn(randomFilter());
      }
      List<Filter> parsed;
      try {
        parsed = Filter.parse(filters, "test", FilterLimits.NONE);
      } catch (GraphException refused) {
        continue;
      }
      if (indexedGraph.indexes.candidates(kind, parsed) != null) {
        usedIndex++;
      }
      JsonArray steps = new JsonArray().add(new JsonArray().add("node".equals(kind) ? "V" : "E").add(filters))
          .add(new JsonArray().add("ids"));
      both(new JsonObject().put("op", "query").put("steps", steps));
    }
    assertTrue(usedIndex > 600, "an index answered " + usedIndex + " of the queries");
  }

  @Test
  void aPartialIndexByFiltersAloneIsUsedWhenTheQueryImpliesItsFiltersAndCanBeDropped() {
    GraphCalls.submit(indexed, "{\"op\":\"addNodes\",\"items\":[{\"foo\":1,\"bar\":2},{\"foo\":1,\"bar\":3},{\"foo\":2}]}");
    JsonObject created = assertInstanceOf(JsonObject.class,
        GraphCalls.submit(indexed, "{\"op\":\"createIndex\",\"on\":\"node\",\"filters\":{\"foo\":1}}"));
    String name = created.getString("name");
    assertTrue(name.matches("node_where_[0-9a-f]{8}"), name);
    assertEquals(name, ((JsonObject) GraphCalls.submit(store(new GraphData()),
        "{\"op\":\"createIndex\",\"on\":\"node\",\"filters\":{\"foo\":1.0}}")).getString("name"),
        "the name depends on the filters, not on how a number was written");
    assertEquals(2L, indexedGraph.indexes.get(name).size());
    assertTrue(indexedGraph.indexes.candidates("node", Filter.parse(new JsonObject().put("foo", 1).put("bar", 3),
        "q", FilterLimits.NONE)) != null, "foo=1 and bar=3 implies foo=1");
    assertEquals(null, indexedGraph.indexes.candidates("node", Filter.parse(new JsonObject().put("foo", 7),
        "q", FilterLimits.NONE)), "foo=7 does not");
    assertEquals(new JsonArray().add(2), ((JsonObject) GraphCalls.submit(indexed,
        "{\"op\":\"query\",\"steps\":[[\"V\",{\"foo\":1,\"bar\":3}],[\"ids\"]]}")).getValue("result"));
    assertEquals(new JsonObject().put("count", 1), GraphCalls.submit(indexed,
        "{\"op\":\"dropIndex\",\"name\":\"" + name + "\"}"));
    assertEquals(2L, ((JsonObject) GraphCalls.submit(indexed,
        "{\"op\":\"query\",\"steps\":[[\"V\",{\"foo\":1}],[\"count\"]]}")).getValue("result"));
  }

  @Test
  void anIndexWithNeitherFieldsNorFiltersIsA400() {
    GraphException e = assertInstanceOf(GraphException.class,
        GraphCalls.submit(indexed, "{\"op\":\"createIndex\",\"on\":\"node\"}"));
    assertEquals(400, e.code().status());
    assertTrue(e.getMessage().contains("give 'fields'"), e.getMessage());
  }

  private JsonObject randomIndex() {
    JsonObject request = new JsonObject().put("op", "createIndex").put("on", random.nextBoolean() ? "node" : "edge");
    JsonArray fields = new JsonArray();
    for (String f : List.of("a", "b", "c")) {
      if (random.nextInt(3) == 0) {
        fields.add(f);
      }
    }
    JsonObject filters = new JsonObject();
    for (int n = fields.isEmpty() ? 1 + random.nextInt(2) : random.nextInt(2); n > 0; n--) {
      filters.mergeIn(randomFilter());
    }
    try {
      Filter.parse(filters, "test", FilterLimits.NONE);
    } catch (GraphException refused) {
      filters = new JsonObject().put("a__gte", random.nextInt(5));
    }
    return request.put("fields", fields).put("filters", filters);
  }

  private JsonObject randomData() {
    JsonObject data = new JsonObject();
    if (random.nextInt(5) > 0) {
      data.put("a", random.nextInt(6));
    }
    if (random.nextInt(5) > 0) {
      data.put("b", TEXTS[random.nextInt(TEXTS.length)]);
    }
    if (random.nextInt(3) == 0) {
      data.put("c", random.nextBoolean() ? (Object) (random.nextInt(3) + 0.5) : (Object) TEXTS[random.nextInt(3)]);
    }
    return data;
  }

  private JsonObject randomFilter() {
    String field = List.of("a", "b", "c").get(random.nextInt(3));
    String lookup = LOOKUPS[random.nextInt(LOOKUPS.length)];
    Object value = switch (lookup) {
      case "__in" -> new JsonArray(new ArrayList<>(List.of(value(field), value(field))));
      case "__isnull" -> random.nextBoolean();
      case "__startswith", "__istartswith", "__contains", "__icontains", "__endswith", "__iexact" ->
          TEXTS[random.nextInt(TEXTS.length)];
      default -> value(field);
    };
    return new JsonObject().put(field + lookup, value);
  }

  private Object value(String field) {
    return "b".equals(field) || random.nextInt(4) == 0 ? TEXTS[random.nextInt(TEXTS.length)]
        : random.nextInt(4) == 0 ? (Object) (random.nextInt(6) + 0.0) : (Object) random.nextInt(6);
  }
}
