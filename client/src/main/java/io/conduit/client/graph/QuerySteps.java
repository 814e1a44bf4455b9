package io.conduit.client.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The one {@link GraphQuery}: an immutable list of steps and the graph to send it to. */
record QuerySteps(GraphClient graph, JsonArray steps) implements GraphQuery {

  @Override
  public JsonArray steps() {
    return steps.copy();
  }

  private GraphQuery with(String name, Object arg) {
    JsonArray step = new JsonArray().add(name);
    if (arg != null) {
      step.add(arg);
    }
    return new QuerySteps(graph, steps.copy().add(step));
  }

  @Override public GraphQuery outV() { return with("outV", null); }
  @Override public GraphQuery outV(JsonObject filters) { return with("outV", filters); }
  @Override public GraphQuery outV(int times) { return with("outV", times); }
  @Override public GraphQuery inV() { return with("inV", null); }
  @Override public GraphQuery inV(JsonObject filters) { return with("inV", filters); }
  @Override public GraphQuery inV(int times) { return with("inV", times); }
  @Override public GraphQuery bothV() { return with("bothV", null); }
  @Override public GraphQuery bothV(JsonObject filters) { return with("bothV", filters); }
  @Override public GraphQuery outE() { return with("outE", null); }
  @Override public GraphQuery outE(JsonObject filters) { return with("outE", filters); }
  @Override public GraphQuery inE() { return with("inE", null); }
  @Override public GraphQuery inE(JsonObject filters) { return with("inE", filters); }
  @Override public GraphQuery bothE() { return with("bothE", null); }
  @Override public GraphQuery bothE(JsonObject filters) { return with("bothE", filters); }
  @Override public GraphQuery both(JsonObject filters) { return with("both", filters); }
  @Override public GraphQuery limit(long n) { return with("limit", n); }
  @Override public GraphQuery skip(long n) { return with("skip", n); }
  @Override public GraphQuery dedup() { return with("dedup", null); }
  @Override public GraphQuery random(int n) { return with("random", n); }
  @Override public GraphQuery aka(String name) { return with("aka", name); }
  @Override public GraphQuery collect(String name) { return with("collect", name); }

  @Override
  public GraphQuery without(long... ids) {
    JsonArray list = new JsonArray();
    for (long id : ids) {
      list.add(id);
    }
    return with("without", list);
  }

  @Override public GraphQuery dedupBy(String... names) { return with("dedup", new JsonArray(List.of((Object[]) names))); }
  @Override public GraphQuery withoutNamed(String... names) { return with("without", new JsonArray(List.of((Object[]) names))); }

  @Override
  public GraphQuery randomHop(String hop, JsonObject filters) {
    JsonObject arg = new JsonObject().put("hop", hop);
    if (filters != null) {
      arg.put("filters", filters);
    }
    return with("random", arg);
  }

  @Override
  public GraphQuery orderBy(String field, boolean descending) {
    return with("orderBy", new JsonObject().put("field", field).put("desc", descending));
  }

  @Override public GraphQuery union(GraphQuery other) { return with("union", other.steps()); }
  @Override public GraphQuery intersection(GraphQuery other) { return with("intersection", other.steps()); }
  @Override public GraphQuery difference(GraphQuery other) { return with("difference", other.steps()); }
  @Override public GraphQuery symmetricDifference(GraphQuery other) { return with("symmetricDifference", other.steps()); }

  @Override
  public CompletionStage<List<Entity>> entities() {
    return list(steps, v -> Entity.fromJson((JsonObject) v));
  }

  @Override
  public CompletionStage<List<JsonObject>> data(String... fields) {
    JsonArray names = new JsonArray();
    for (String f : fields) {
      names.add(f);
    }
    return list(((QuerySteps) with("data", fields.length == 0 ? null : names)).steps, v -> (JsonObject) v);
  }

  @Override
  public CompletionStage<List<Long>> ids() {
    return list(((QuerySteps) with("ids", null)).steps, v -> ((Number) v).longValue());
  }

  @Override
  public CompletionStage<Long> count() {
    return graph.result(((QuerySteps) with("count", null)).steps).thenApply(v -> number(v).longValue());
  }

  @Override
  public CompletionStage<Number> sum(String field) {
    return graph.result(((QuerySteps) with("sum", field)).steps).thenApply(QuerySteps::number);
  }

  @Override
  public CompletionStage<Double> percent() {
    return graph.result(((QuerySteps) with("percent", null)).steps).thenApply(v -> number(v).doubleValue());
  }

  @Override
  public CompletionStage<Long> remove() {
    return graph.removeAll(steps);
  }

  @Override
  public CompletionStage<Long> update(JsonObject data) {
    return graph.updateAll(steps, data);
  }

  @Override
  public CompletionStage<List<List<Entity>>> select(String... names) {
    return list(((QuerySteps) with("select", new JsonArray(List.of((Object[]) names)))).steps, row -> {
      if (!(row instanceof JsonArray r)) {
        throw GraphClient.unexpected(row);
      }
      List<Entity> entities = new ArrayList<>(r.size());
      r.forEach(e -> entities.add(e == null ? null : Entity.fromJson((JsonObject) e)));
      return java.util.Collections.unmodifiableList(entities);
    });
  }

  @Override
  public CompletionStage<List<GroupCount.Tally>> groupCount(GroupCount options) {
    return list(((QuerySteps) with("groupCount", options.toJson())).steps, pair -> {
      if (!(pair instanceof JsonArray p) || p.size() != 2 || !(p.getValue(1) instanceof Number n)) {
        throw GraphClient.unexpected(pair);
      }
      return new GroupCount.Tally(Entity.fromJson(p.getJsonObject(0)), n);
    });
  }

  private <T> CompletionStage<List<T>> list(JsonArray query, java.util.function.Function<Object, T> item) {
    return graph.result(query).thenApply(v -> {
      if (!(v instanceof JsonArray a)) {
        throw GraphClient.unexpected(v);
      }
      List<T> out = new ArrayList<>(a.size());
      a.forEach(x -> out.add(item.apply(x)));
      return List.copyOf(out);
    });
  }

  private static Number number(Object v) {
    if (!(v instanceof Number n)) {
      throw GraphClient.unexpected(v);
    }
    return n;
  }
}
