package io.conduit.store.doc;

import io.vertx.core.json.JsonObject;

/**
 * One JSON document and the ops on it, the pure core of the document store. Single-threaded: the
 * store's verticle owns one per document and calls it on its event loop. Every op costs the depth
 * of its path plus the size of what it reads or changes, never the size of the whole document; the
 * exceptions are inherent in the op (a list's {@code contains}, shifting a list's tail on
 * insert/delete/pop, and an object scan by {@code offset}, which walks to it; cursors do not).
 *
 * <p>A request is JSON such as {@code {"op": "set", "path": ["l", 4], "value": [1, 2]}}; see
 * {@link #apply}. A failed request throws {@link DocException} and leaves the document unchanged.
 */
public final class DocTree {

  /** How deep a document may nest, so that copying or encoding it can never overflow a stack. */
  public static final int MAX_DEPTH = 100;

  private final DocObject root;

  /** An empty document, {@code {}}. */
  public DocTree() {
    this(new JsonObject());
  }

  /** A document holding a copy of {@code initial} (e.g. a snapshot read back from disk); null is {@code {}}. */
  public DocTree(JsonObject initial) {
    root = (DocObject) Values.fromJson(initial == null ? new JsonObject() : initial, MAX_DEPTH, "the initial document");
  }

  /**
   * Applies one request. Reads: {@code get, keys, len, contains, scan}. Writes: {@code set, delete,
   * append, insert, extend, pop, incr, update, setdefault, clear} and {@code batch} (writes applied
   * all or none). A write's {@link Result#change()} carries its inverse for undo.
   *
   * @throws DocException with BAD_REQUEST or NOT_FOUND; the document is then unchanged
   */
  public Result apply(JsonObject request) {
    Op op = Op.parse(request);
    if (op instanceof Op.Read read) {
      return Result.read(read.read(root));
    }
    return Result.write(((Op.Write) op).write(root));
  }

  /**
   * Applies a write exactly as the live document applied it, for a copy that follows the live one
   * (the snapshot thread's): {@code change} is what the write did there, its op with defaults
   * filled in and indexes resolved, so the op is not checked again and no change is built for it.
   * A {@code set}, the common write, takes a short way; the other writes are applied in full and
   * their change dropped.
   *
   * @throws DocException or IllegalStateException when the write does not fit: this copy has diverged
   */
  void follow(Change change) {
    JsonObject op = change.op();
    if ("set".equals(op.getValue("op"))) {
      Path path = change.path(); // a set's path, resolved
      Object value = Values.fromJson(op.getValue("value"), MAX_DEPTH - path.size(), "set: 'value'");
      // a set that created its key is undone by deleting it
      boolean created = "delete".equals(change.inverse().getJsonObject(0).getValue("op"));
      WriteOps.setAsApplied(root, new Op.Set(path, value, op.getString("before")), created);
    } else {
      ((Op.Write) Op.parse(op)).write(root); // a change's op is a write
    }
  }

  /** A deep copy of the whole document, keys in order; O(size of the document). */
  public JsonObject snapshot() {
    return Values.toJson(root);
  }
}
