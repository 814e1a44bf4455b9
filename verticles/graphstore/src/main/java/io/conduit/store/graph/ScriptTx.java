package io.conduit.store.graph;

import io.vertx.core.json.JsonObject;

/** A running script's {@link GraphTx}: requests go straight to the store's operations, inside the script's transaction. */
record ScriptTx(GraphOps ops) implements GraphTx {

  @Override
  public JsonObject call(JsonObject request) {
    Object op = request == null ? null : request.getValue("op");
    if (!(op instanceof String)) {
      throw GraphException.bad("a script's request needs an \"op\"");
    }
    if (GraphOps.READS.contains(op)) {
      return ops.read(request.copy());
    }
    if (GraphOps.WRITES.contains(op) && !"script".equals(op) && !"load".equals(op)) {
      return ops.write(request.copy());
    }
    throw GraphException.bad("a script may call " + String.join(", ", GraphOps.READS) + " and the writes except "
        + "script and load; not " + op);
  }
}
