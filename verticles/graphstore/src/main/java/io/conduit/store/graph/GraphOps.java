package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph's operations on the in-memory graph, one request at a time: validates the request,
 * applies it and gives the reply body. A write that fails part-way throws and leaves its changes for
 * the caller to roll back ({@link GraphData#rollbackTo}).
 */
final class GraphOps {

  /** Ops that only read: they run between write groups and never touch the journal. */
  static final Set<String> READS = Set.of("query", "listIndexes", "export", "info");
  static final Set<String> WRITES = Set.of("addNode", "addNodes", "addEdge", "addEdges", "update", "remove", "load",
      "script", "dropIndex");
  static final int MAX_BULK = 100_000;

  private final GraphData graph;
  private final GraphStoreOptions options;
  private final Map<String, GraphScript> scripts;

  GraphOps(GraphData graph, GraphStoreOptions options, Map<String, GraphScript> scripts) {
    this.graph = graph;
    this.options = options;
    this.scripts = scripts;
  }

  JsonObject read(JsonObject request) {
    String op = request.getString("op");
    return switch (op) {
      case "query" -> new JsonObject().put("result", query(request.getValue("steps")));
      case "listIndexes" -> new JsonObject().put("indexes", graph.indexes.list());
      case "export" -> GraphDump.page(graph, request);
      default -> new JsonObject().put("nodes", graph.nodes.size()).put("edges", graph.edges.size())
          .put("indexes", graph.indexes.all().size()).put("nextId", graph.nextId());
    };
  }

  Object query(Object steps) {
    Query query = Query.parse(steps, false, options.filterLimits());
    Budget budget = new Budget(options.queryTimeLimitMs());
    List<Item> items = new Traversal(graph, budget).run(query);
    return Results.of(query, items, graph, options.maxResults(), budget);
  }

  /** Applies one write; the caller rolls back on an exception. */
  JsonObject write(JsonObject request) {
    String op = request.getString("op");
    return switch (op) {
      case "addNode" -> new JsonObject().put("id", graph.addNode(data(request, "addNode")).id);
      case "addNodes" -> addNodes(request);
      case "addEdge" -> new JsonObject().put("id", addEdge(request, "addEdge"));
      case "addEdges" -> addEdges(request);
      case "update" -> update(request);
      case "remove" -> remove(request);
      case "load" -> new JsonObject().put("count", GraphDump.load(graph, items(request, "load")));
      case "script" -> script(request);
      default -> dropIndex(request);
    };
  }

  private JsonObject addNodes(JsonObject request) {
    JsonArray ids = new JsonArray();
    JsonArray items = items(request, "addNodes");
    for (int i = 0; i < items.size(); i++) {
      if (!(items.getValue(i) instanceof JsonObject data)) {
        throw GraphException.bad("addNodes: item " + i + " must be an object of node data, got " + items.getValue(i));
      }
      ids.add(graph.addNode(checked(data, "addNodes: item " + i)).id);
    }
    return new JsonObject().put("ids", ids);
  }

  private JsonObject addEdges(JsonObject request) {
    JsonArray ids = new JsonArray();
    JsonArray items = items(request, "addEdges");
    for (int i = 0; i < items.size(); i++) {
      if (!(items.getValue(i) instanceof JsonObject edge)) {
        throw GraphException.bad("addEdges: item " + i + " must be {\"from\", \"to\", \"data\"}, got " + items.getValue(i));
      }
      ids.add(addEdge(edge, "addEdges: item " + i));
    }
    return new JsonObject().put("ids", ids);
  }

  private long addEdge(JsonObject request, String where) {
    long from = StepArguments.id(request.getValue("from"), where + ": 'from'");
    long to = StepArguments.id(request.getValue("to"), where + ": 'to'");
    return graph.addEdge(from, to, data(request, where)).id;
  }

  /** One entity by id, or every entity a query gives (each once), all in one atomic write. */
  private JsonObject update(JsonObject request) {
    if (request.containsKey("steps") == request.containsKey("id")) {
      throw GraphException.bad("update takes either 'id' (a node or an edge) or 'steps' (a query whose entities to "
          + "update)");
    }
    Object replace = request.getValue("replace", false);
    if (!(replace instanceof Boolean r)) {
      throw GraphException.bad("update: 'replace' must be true or false, got " + replace);
    }
    JsonObject given = data(request, "update");
    if (request.containsKey("id")) {
      long id = StepArguments.id(request.getValue("id"), "update: 'id'");
      Element e = graph.element(id);
      if (e == null) {
        throw GraphException.missing("update: no node or edge with id " + id);
      }
      graph.setData(e, r ? given : e.data.copy().mergeIn(given));
      return count(1);
    }
    java.util.Set<Element> done = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Item item : entitiesOf(request, "update")) {
      Element e = item.element();
      if (done.add(e)) {
        graph.setData(e, r ? given.copy() : e.data.copy().mergeIn(given));
      }
    }
    return count(done.size());
  }

  /** The entities of a write's {@code steps}: a query that ends with entities, not a result. */
  private List<Item> entitiesOf(JsonObject request, String op) {
    Query query = Query.parse(request.getValue("steps"), false, options.filterLimits());
    if (query.result() != null) {
      throw GraphException.bad(op + ": the query must end with entities, not with " + query.result().name());
    }
    return new Traversal(graph, new Budget(options.queryTimeLimitMs())).run(query);
  }

  private JsonObject remove(JsonObject request) {
    if (request.containsKey("steps") == request.containsKey("id")) {
      throw GraphException.bad("remove takes either 'id' (a node or an edge) or 'steps' (a query whose entities to remove)");
    }
    if (request.containsKey("id")) {
      long id = StepArguments.id(request.getValue("id"), "remove: 'id'");
      Element e = graph.element(id);
      if (e == null) {
        throw GraphException.missing("remove: no node or edge with id " + id);
      }
      return count(graph.remove(e));
    }
    int removed = 0;
    for (Item item : entitiesOf(request, "remove")) {
      Element e = item.element();
      // an entity may appear twice, or an edge may already have gone with its node
      if (graph.element(e.id) == e) {
        removed += graph.remove(e);
      }
    }
    return count(removed);
  }

  private JsonObject script(JsonObject request) {
    Object name = request.getValue("name");
    GraphScript script = name instanceof String s ? scripts.get(s) : null;
    if (script == null) {
      throw GraphException.missing("no server script named " + name + " (registered: "
          + (scripts.isEmpty() ? "none" : String.join(", ", scripts.keySet().stream().sorted().toList())) + ")");
    }
    Object args = request.getValue("args", new JsonObject());
    if (!(args instanceof JsonObject a)) {
      throw GraphException.bad("script: 'args' must be an object, got " + args);
    }
    try {
      return new JsonObject().put("result", script.run(new ScriptTx(this), a));
    } catch (GraphException e) {
      throw e;
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // thrown where the script's own code stood (a class it needs is missing, an assert): undone
      // whole by the store; a stack overflow is not caught here (GraphStore halts on it)
      throw new GraphException(ErrorCode.INTERNAL, "script " + name + " failed, so none of its changes were kept: " + e);
    }
  }

  private JsonObject dropIndex(JsonObject request) {
    Object name = request.getValue("name");
    if (!(name instanceof String s) || graph.indexes.get(s) == null) {
      throw GraphException.missing("dropIndex: no index named " + name);
    }
    graph.dropIndex(s);
    return count(1);
  }

  private static JsonObject count(long n) {
    return new JsonObject().put("count", n);
  }

  private static JsonArray items(JsonObject request, String op) {
    if (!(request.getValue("items") instanceof JsonArray items)) {
      throw GraphException.bad(op + ": 'items' must be a list");
    }
    if (items.size() > MAX_BULK) {
      throw new GraphException(ErrorCode.TOO_LARGE, op + ": at most " + MAX_BULK + " items per request, got "
          + items.size() + "; send them in several requests");
    }
    return items;
  }

  private static JsonObject data(JsonObject request, String where) {
    Object data = request.getValue("data", new JsonObject());
    if (!(data instanceof JsonObject d)) {
      throw GraphException.bad(where + ": 'data' must be an object, got " + data);
    }
    return checked(d, where);
  }

  /** Data as stored: every field name follows {@link FieldNames}. */
  static JsonObject checked(JsonObject data, String where) {
    for (String key : data.fieldNames()) {
      if (!FieldNames.valid(key)) {
        throw GraphException.bad(where + ": field name '" + key + "' is not allowed: " + FieldNames.RULE);
      }
    }
    return data;
  }
}
