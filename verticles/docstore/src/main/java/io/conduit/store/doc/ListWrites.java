package io.conduit.store.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Python's list methods on the list at a path: append, insert, extend and pop. Undo of an addition
 * pops it by position; undo of a pop inserts the item back at its position.
 */
final class ListWrites {

  private ListWrites() {
  }

  static Change append(DocObject root, Path path, Object value) {
    PathWalker.Found found = PathWalker.list(root, path, "append");
    List<Object> list = items(found);
    list.add(value);
    return WriteOps.change(Change.op("append", found.path()).put("value", Values.toJson(value)), found.path(), null,
        popAt(found.path(), list.size() - 1));
  }

  /** Inserts before {@code index}; as in Python, an index past either end means that end. */
  static Change insert(DocObject root, Op.Insert insert) {
    PathWalker.Found found = PathWalker.list(root, insert.path(), "insert");
    List<Object> list = items(found);
    long index = insert.index();
    int at = (int) (index < 0 ? Math.max(0, index + list.size()) : Math.min(index, list.size()));
    list.add(at, insert.value());
    return WriteOps.change(Change.op("insert", found.path()).put("index", at)
        .put("value", Values.toJson(insert.value())), found.path(), null, popAt(found.path(), at));
  }

  static Change extend(DocObject root, Path path, List<Object> values) {
    PathWalker.Found found = PathWalker.list(root, path, "extend");
    List<Object> list = items(found);
    int before = list.size();
    list.addAll(values);
    JsonArray inverse = new JsonArray();
    for (int i = list.size() - 1; i >= before; i--) {
      inverse.add(popAt(found.path(), i));
    }
    return new Change(Change.op("extend", found.path()).put("values", Values.toJson(values)), found.path(), null,
        inverse);
  }

  /** Removes and returns the item at {@code index} (negative from the end). */
  static Change pop(DocObject root, Path path, long index) {
    PathWalker.Found found = PathWalker.list(root, path, "pop");
    List<Object> list = items(found);
    if (list.isEmpty()) {
      throw DocException.notFound("path " + path + ": pop from an empty list");
    }
    int at = PathWalker.index(list, index, path, path.size() - 1);
    Object item = list.remove(at);
    return WriteOps.change(popAt(found.path(), at), found.path(), Values.toJson(item),
        Change.op("insert", found.path()).put("index", at).put("value", Values.toJson(item)));
  }

  private static JsonObject popAt(Path path, int index) {
    return Change.op("pop", path).put("index", index);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> items(PathWalker.Found found) {
    return (List<Object>) found.value();
  }
}
