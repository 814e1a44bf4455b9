package io.conduit.store.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One parsed op request. {@link #parse} is the allow-list: an op name not listed there is refused,
 * and nothing is ever looked up by name at run time. Values are already copied into tree form, so
 * each parsed op is applied once.
 */
sealed interface Op permits Op.Read, Op.Write {

  /** The op names clients may send, for the "unknown op" message. */
  String NAMES = "get, keys, len, contains, scan, set, delete, append, insert, extend, pop, incr, update, "
      + "setdefault, clear, batch";

  /**
   * True for the write ops whose reply carries the value they produced (null included: a popped
   * {@code null} is a value); the others reply with their version only.
   */
  static boolean repliesWithValue(String name) {
    return switch (name) {
      case "pop", "incr", "setdefault", "batch" -> true;
      default -> false;
    };
  }

  /** An op that only looks; returns a JSON value. */
  sealed interface Read extends Op permits Get, Keys, Len, Contains, Scan {
    Object read(DocObject root);
  }

  /** An op that changes the tree, entirely or (on failure) not at all. */
  sealed interface Write extends Op
      permits Set, Delete, Append, Insert, Extend, Pop, Incr, Update, SetDefault, Clear, Batch {
    Change write(DocObject root);
  }

  record Get(Path path) implements Read {
    public Object read(DocObject root) {
      return ReadOps.get(root, path);
    }
  }

  record Keys(Path path) implements Read {
    public Object read(DocObject root) {
      return ReadOps.keys(root, path);
    }
  }

  record Len(Path path) implements Read {
    public Object read(DocObject root) {
      return ReadOps.len(root, path);
    }
  }

  record Contains(Path path, Object value) implements Read {
    public Object read(DocObject root) {
      return ReadOps.contains(root, path, value);
    }
  }

  /** @param cursor a {@link ScanCursor} from an earlier page, or null to start at {@code offset} */
  record Scan(Path path, long offset, int limit, ScanCursor cursor) implements Read {
    public Object read(DocObject root) {
      return ReadOps.scan(root, this).toJson();
    }
  }

  /** @param before for a new object key, the existing key it goes just before (undo uses it); null for last */
  record Set(Path path, Object value, String before) implements Write {
    public Change write(DocObject root) {
      return WriteOps.set(root, this);
    }
  }

  record Delete(Path path) implements Write {
    public Change write(DocObject root) {
      return WriteOps.delete(root, path);
    }
  }

  record Append(Path path, Object value) implements Write {
    public Change write(DocObject root) {
      return ListWrites.append(root, path, value);
    }
  }

  record Insert(Path path, long index, Object value) implements Write {
    public Change write(DocObject root) {
      return ListWrites.insert(root, this);
    }
  }

  record Extend(Path path, List<Object> values) implements Write {
    public Change write(DocObject root) {
      return ListWrites.extend(root, path, values);
    }
  }

  /** @param index which item, negative from the end; -1 (the last) when the request names none */
  record Pop(Path path, long index) implements Write {
    public Change write(DocObject root) {
      return ListWrites.pop(root, path, index);
    }
  }

  record Incr(Path path, Number by) implements Write {
    public Change write(DocObject root) {
      return WriteOps.incr(root, path, by);
    }
  }

  record Update(Path path, DocObject value) implements Write {
    public Change write(DocObject root) {
      return WriteOps.update(root, path, value);
    }
  }

  record SetDefault(Path path, String key, Object value) implements Write {
    public Change write(DocObject root) {
      return WriteOps.setDefault(root, this);
    }
  }

  record Clear(Path path) implements Write {
    public Change write(DocObject root) {
      return WriteOps.clear(root, path);
    }
  }

  /** @param names each op's name, for naming a failure */
  record Batch(List<Write> ops, List<String> names) implements Write {
    public Change write(DocObject root) {
      return Batches.apply(root, this);
    }
  }

  /** Reads a request such as {@code {"op": "set", "path": ["x"], "value": 3}}. */
  static Op parse(JsonObject request) {
    if (request == null) {
      throw DocException.badRequest("the request is empty; send {\"op\": ..., \"path\": [...]}");
    }
    if (!(request.getValue("op") instanceof String name)) {
      throw DocException.badRequest("a request needs 'op', one of " + NAMES);
    }
    return switch (name) {
      case "get" -> new Get(new OpFields(name, request, "path").path());
      case "keys" -> new Keys(new OpFields(name, request, "path").path());
      case "len" -> new Len(new OpFields(name, request, "path").path());
      case "contains" -> {
        OpFields f = new OpFields(name, request, "path", "value");
        yield new Contains(f.path(), f.value("value", 1));
      }
      case "scan" -> scan(new OpFields(name, request, "path", "offset", "limit", "cursor"));
      case "set" -> {
        OpFields f = new OpFields(name, request, "path", "value", "before");
        yield new Set(f.path(), f.value("value", 0), f.optionalString("before"));
      }
      case "delete" -> new Delete(new OpFields(name, request, "path").path());
      case "append" -> {
        OpFields f = new OpFields(name, request, "path", "value");
        yield new Append(f.path(), f.value("value", 1));
      }
      case "insert" -> {
        OpFields f = new OpFields(name, request, "path", "index", "value");
        yield new Insert(f.path(), f.integer("index"), f.value("value", 1));
      }
      case "extend" -> {
        OpFields f = new OpFields(name, request, "path", "values");
        yield new Extend(f.path(), f.list("values"));
      }
      case "pop" -> {
        OpFields f = new OpFields(name, request, "path", "index");
        yield new Pop(f.path(), f.integer("index", -1));
      }
      case "incr" -> {
        OpFields f = new OpFields(name, request, "path", "by");
        yield new Incr(f.path(), f.number("by", 1L));
      }
      case "update" -> {
        OpFields f = new OpFields(name, request, "path", "value");
        yield new Update(f.path(), f.object("value"));
      }
      case "setdefault" -> {
        OpFields f = new OpFields(name, request, "path", "key", "value");
        yield new SetDefault(f.path(), f.string("key"), f.optionalValue("value", 1));
      }
      case "clear" -> new Clear(new OpFields(name, request, "path").path());
      case "batch" -> batch(new OpFields(name, request, "ops").array("ops"));
      default -> throw DocException.badRequest("unknown op '" + name + "'; expected one of " + NAMES);
    };
  }

  private static Scan scan(OpFields f) {
    Path path = f.path();
    long offset = f.integer("offset", 0);
    long limit = f.integer("limit", ReadOps.DEFAULT_LIMIT);
    String cursor = f.optionalString("cursor");
    if (offset < 0) {
      throw DocException.badRequest("scan: 'offset' must be 0 or more, got " + offset);
    }
    if (limit < 1 || limit > ReadOps.MAX_LIMIT) {
      throw DocException.badRequest("scan: 'limit' must be between 1 and " + ReadOps.MAX_LIMIT + ", got " + limit);
    }
    if (cursor != null && offset != 0) {
      throw DocException.badRequest("scan: give 'offset' or 'cursor', not both");
    }
    return new Scan(path, offset, (int) limit, cursor == null ? null : ScanCursor.decode(cursor));
  }

  private static Batch batch(JsonArray ops) {
    List<Write> writes = new ArrayList<>(ops.size());
    List<String> names = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      Object json = ops.getValue(i);
      String name = json instanceof JsonObject o && o.getValue("op") instanceof String s ? s : "?";
      try {
        if (!(json instanceof JsonObject o)) {
          throw DocException.badRequest("must be an op object such as {\"op\": \"set\", ...}, got "
              + Values.brief(json));
        }
        Op op = parse(o);
        if (!(op instanceof Write write) || op instanceof Batch) {
          throw DocException.badRequest("a batch holds writes other than batch; " + name + " cannot be in one");
        }
        writes.add(write);
        names.add(name);
      } catch (DocException e) {
        throw e.inBatch(i, "(" + name + ")");
      }
    }
    return new Batch(writes, names);
  }
}
