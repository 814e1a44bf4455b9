package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;

/** A running script's {@link GraphTx}: requests go straight to the store's operations, inside the script's transaction. */
record ScriptTx(GraphOps ops) implements GraphTx {

  /** Frames the stack check takes: more stack than the store's own calls under a request need. */
  private static final int STACK_CHECK_FRAMES = 1_000;

  @Override
  public JsonObject call(JsonObject request) {
    ensureStackLeft();
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

  /**
   * A script recursing too deep must fail between changes, not inside one: a stack overflow in the
   * middle of the store's own change leaves it half made, and the store then halts. So each
   * request first takes some stack and gives it back; when that overflows, the request fails here,
   * with nothing changed, and the script is undone as for any exception.
   */
  private static void ensureStackLeft() {
    try {
      depth(STACK_CHECK_FRAMES);
    } catch (StackOverflowError e) {
      throw new GraphException(ErrorCode.INTERNAL, "the script recursed too deep: a request it made found less stack "
          + "left than a change may need");
    }
  }

  private static int depth(int frames) {
    return frames == 0 ? 0 : depth(frames - 1) + 1;
  }
}
