package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * JSON dump and load, a page at a time so a large graph streams: {@code export} gives the entities
 * with ids after a cursor in id order (an edge's endpoints always have smaller ids than the edge,
 * so a load in dump order finds them), {@code load} adds entities keeping their ids.
 */
final class GraphDump {

  static final int MAX_PAGE = 10_000;

  private GraphDump() {
  }

  /** {@code {"after": id, "limit": n}} → {@code {"items": [...], "next": lastId}} ({@code next} null at the end). */
  static JsonObject page(GraphData graph, JsonObject request) {
    long after = request.getValue("after") == null ? 0 : StepArguments.id(request.getValue("after"), "export: 'after'");
    Object rawLimit = request.getValue("limit", 1_000);
    if (!(rawLimit instanceof Number n) || n.intValue() < 1 || n.intValue() > MAX_PAGE) {
      throw GraphException.bad("export: 'limit' must be 1 to " + MAX_PAGE + ", got " + rawLimit);
    }
    int limit = n.intValue();
    Iterator<Node> nodes = graph.nodes.tailMap(after, false).values().iterator();
    Iterator<Edge> edges = graph.edges.tailMap(after, false).values().iterator();
    Element nextNode = nodes.hasNext() ? nodes.next() : null;
    Element nextEdge = edges.hasNext() ? edges.next() : null;
    JsonArray items = new JsonArray();
    long last = after;
    while (items.size() < limit && (nextNode != null || nextEdge != null)) {
      boolean nodeFirst = nextEdge == null || (nextNode != null && nextNode.id < nextEdge.id);
      Element e = nodeFirst ? nextNode : nextEdge;
      items.add(e.toJson());
      last = e.id;
      if (nodeFirst) {
        nextNode = nodes.hasNext() ? nodes.next() : null;
      } else {
        nextEdge = edges.hasNext() ? edges.next() : null;
      }
    }
    boolean more = nextNode != null || nextEdge != null;
    return new JsonObject().put("items", items).put("next", more ? (Object) last : null);
  }

  /**
   * Adds dumped entities with their ids: nodes first, then edges; 409 when an id is taken, 400 when an
   * edge's id is not above both its nodes' ids.
   */
  static int load(GraphData graph, JsonArray items) {
    List<JsonObject> edges = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String where = "load: item " + i;
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw GraphException.bad(where + " must be an entity {\"id\", \"kind\", \"data\"}, got " + items.getValue(i));
      }
      Object kind = item.getValue("kind");
      if ("edge".equals(kind)) {
        edges.add(item.put("#", i));
      } else if ("node".equals(kind)) {
        graph.insertNode(new Node(freeId(graph, item, where), data(item, where)));
      } else {
        throw GraphException.bad(where + ": 'kind' must be \"node\" or \"edge\", got " + kind);
      }
    }
    for (JsonObject item : edges) {
      String where = "load: item " + item.remove("#");
      long id = freeId(graph, item, where);
      long from = endpoint(graph, item, "from", where);
      long to = endpoint(graph, item, "to", where);
      if (id <= from || id <= to) {
        // the order export pages in, and a dump loads in, relies on it
        throw GraphException.bad(where + ": edge " + id + " joins node " + Math.max(from, to)
            + "; an edge's id must be greater than the ids of both its nodes");
      }
      graph.insertEdge(new Edge(id, from, to, data(item, where)));
    }
    return items.size();
  }

  /** An edge's node, which must be in the graph (or loaded by the same request). */
  private static long endpoint(GraphData graph, JsonObject item, String role, String where) {
    long id = StepArguments.id(item.getValue(role), where + ": '" + role + "'");
    if (graph.nodes.get(id) == null) {
      throw GraphException.missing(where + ": '" + role + "' " + (graph.edges.containsKey(id)
          ? id + " is an edge, not a node" : "node " + id + " is in neither the request nor the graph"));
    }
    return id;
  }

  private static long freeId(GraphData graph, JsonObject item, String where) {
    long id = StepArguments.id(item.getValue("id"), where + ": 'id'");
    if (graph.element(id) != null) {
      throw new GraphException(ErrorCode.CONFLICT, where + ": id " + id + " is already taken in this graph");
    }
    graph.reserveIdsThrough(id);
    return id;
  }

  private static JsonObject data(JsonObject item, String where) {
    Object data = item.getValue("data", new JsonObject());
    if (!(data instanceof JsonObject d)) {
      throw GraphException.bad(where + ": 'data' must be an object");
    }
    return GraphOps.checked(d, where);
  }
}
