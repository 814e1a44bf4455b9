package io.conduit.store.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The ops that look without changing anything. Each costs the path's depth plus the size of what
 * it returns (a list's {@code contains} also looks at every item, as Python's {@code in} does).
 * Results are copies: a caller cannot reach into the tree through them.
 */
final class ReadOps {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private ReadOps() {
  }

  static Object get(DocObject root, Path path) {
    return Values.toJson(PathWalker.find(root, path).value());
  }

  static JsonArray keys(DocObject root, Path path) {
    DocObject object = (DocObject) PathWalker.object(root, path, "keys").value();
    JsonArray keys = new JsonArray();
    for (DocObject.Member m = object.first(); m != null; m = m.next()) {
      keys.add(m.key());
    }
    return keys;
  }

  /** Keys of an object, items of a list, or characters (code points, as Python counts them) of a string. */
  static int len(DocObject root, Path path) {
    Object value = PathWalker.find(root, path).value();
    if (value instanceof DocObject object) {
      return object.size();
    }
    if (value instanceof List<?> list) {
      return list.size();
    }
    if (value instanceof String s) {
      return s.codePointCount(0, s.length());
    }
    throw DocException.badRequest("path " + path + ": len needs an object, a list or a string, not "
        + Values.kind(value));
  }

  /** A key of an object, an item of a list (by Python's ==), or a substring of a string. */
  static boolean contains(DocObject root, Path path, Object needle) {
    Object value = PathWalker.find(root, path).value();
    if (value instanceof DocObject object) {
      if (!(needle instanceof String key)) {
        throw DocException.badRequest("path " + path + ": an object's keys are strings, so contains needs a string "
            + "value here, not " + Values.kind(needle));
      }
      return object.has(key);
    }
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (Values.same(item, needle)) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof String s) {
      if (!(needle instanceof String part)) {
        throw DocException.badRequest("path " + path + ": contains on a string needs a string value, not "
            + Values.kind(needle));
      }
      return s.contains(part);
    }
    throw DocException.badRequest("path " + path + ": contains needs an object, a list or a string, not "
        + Values.kind(value));
  }

  static ScanPage scan(DocObject root, Op.Scan scan) {
    Path path = scan.path();
    Object value = PathWalker.find(root, path).value();
    ScanCursor cursor = scan.cursor();
    if (cursor != null && cursor.list() != (value instanceof List)) {
      throw DocException.badRequest("path " + path + ": this cursor pages " + (cursor.list() ? "a list" : "an object")
          + ", but the value there is " + Values.kind(value));
    }
    long offset = cursor == null ? scan.offset() : cursor.offset();
    if (value instanceof List<?> list) {
      return listPage(list, offset, scan.limit());
    }
    if (value instanceof DocObject object) {
      DocObject.Member start = cursor != null && object.has(cursor.key()) ? object.member(cursor.key())
          : object.memberAt(offset);
      return objectPage(start, offset, scan.limit());
    }
    throw DocException.badRequest("path " + path + ": scan needs an object or a list, not " + Values.kind(value));
  }

  private static ScanPage listPage(List<?> list, long offset, int limit) {
    JsonArray items = new JsonArray();
    long end = Math.min(list.size(), offset + limit);
    for (long i = offset; i < end; i++) {
      items.add(Values.toJson(list.get((int) i)));
    }
    return new ScanPage(items, end < list.size() ? ScanCursor.inList(end).encode() : null);
  }

  private static ScanPage objectPage(DocObject.Member start, long offset, int limit) {
    JsonArray items = new JsonArray();
    DocObject.Member m = start;
    for (int n = 0; m != null && n < limit; n++, m = m.next()) {
      items.add(new JsonObject().put("key", m.key()).put("value", Values.toJson(m.value())));
    }
    return new ScanPage(items, m == null ? null : ScanCursor.inObject(offset + items.size(), m.key()).encode());
  }
}
