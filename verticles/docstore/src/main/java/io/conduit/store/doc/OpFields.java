package io.conduit.store.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The fields of one op request, read once with errors that name the op and the field. A field the
 * op does not have is refused, so a typo such as "valeu" fails loudly instead of setting null.
 */
final class OpFields {

  private final String op;
  private final JsonObject json;
  private Path path;

  OpFields(String op, JsonObject json, String... fields) {
    this.op = op;
    this.json = json;
    for (String name : json.fieldNames()) {
      if (!name.equals("op") && !takes(fields, name)) {
        throw DocException.badRequest(op + ": unknown field '" + name + "'; " + op + " takes "
            + String.join(", ", fields));
      }
    }
  }

  private static boolean takes(String[] fields, String name) {
    for (String field : fields) { // a handful: a loop, no set built per request
      if (field.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The required 'path'. */
  Path path() {
    if (path == null) {
      if (!json.containsKey("path")) {
        throw DocException.badRequest(op + ": 'path' is required, a JSON array of keys and indexes ([] for the root)");
      }
      try {
        path = Path.parse(json.getValue("path"));
      } catch (DocException e) {
        throw DocException.badRequest(op + ": " + e.getMessage());
      }
    }
    return path;
  }

  /**
   * A required JSON value in tree form, which will sit {@code below} levels under the path's value
   * (0 for set, 1 for append), so the document stays within its depth limit.
   */
  Object value(String field, int below) {
    require(field);
    return optionalValue(field, below);
  }

  /** An optional JSON value in tree form; null when absent. */
  Object optionalValue(String field, int below) {
    Object v = json.getValue(field);
    if (v == null || v instanceof String || v instanceof Boolean) {
      return v; // already in tree form: spares the error context built below
    }
    return Values.fromJson(v, DocTree.MAX_DEPTH - path().size() - below, op + ": '" + field + "'");
  }

  DocObject object(String field) {
    require(field);
    if (!(json.getValue(field) instanceof JsonObject)) {
      throw DocException.badRequest(op + ": '" + field + "' must be an object, got "
          + Values.kind(json.getValue(field)));
    }
    return (DocObject) value(field, 0);
  }

  /** A list whose items will become items of the list at the path (so one level below it, like the list itself). */
  @SuppressWarnings("unchecked")
  List<Object> list(String field) {
    require(field);
    if (!(json.getValue(field) instanceof JsonArray)) {
      throw DocException.badRequest(op + ": '" + field + "' must be a list, got " + Values.kind(json.getValue(field)));
    }
    return (List<Object>) value(field, 0);
  }

  JsonArray array(String field) {
    require(field);
    if (!(json.getValue(field) instanceof JsonArray a)) {
      throw DocException.badRequest(op + ": '" + field + "' must be a list, got " + Values.kind(json.getValue(field)));
    }
    return a;
  }

  long integer(String field) {
    require(field);
    return integer(field, Long.MIN_VALUE, true);
  }

  /** An optional integer; {@code absent} when missing or null. */
  long integer(String field, long absent) {
    return integer(field, absent, false);
  }

  private long integer(String field, long absent, boolean required) {
    Object v = json.getValue(field);
    if (v == null && !required) {
      return absent;
    }
    if (!(v instanceof Number n) || !Values.isIntegral(n)) {
      throw DocException.badRequest(op + ": '" + field + "' must be an integer, got " + Values.brief(v));
    }
    return n.longValue();
  }

  Number number(String field, Number absent) {
    Object v = json.getValue(field);
    if (v == null) {
      return absent;
    }
    if (!(v instanceof Number)) {
      throw DocException.badRequest(op + ": '" + field + "' must be a number, got " + Values.brief(v));
    }
    return (Number) Values.fromJson(v, 0, op + ": '" + field + "'");
  }

  String string(String field) {
    require(field);
    return optionalString(field);
  }

  String optionalString(String field) {
    Object v = json.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw DocException.badRequest(op + ": '" + field + "' must be a string, got " + Values.brief(v));
    }
    return (String) v;
  }

  private void require(String field) {
    if (!json.containsKey(field)) {
      throw DocException.badRequest(op + ": '" + field + "' is required");
    }
  }
}
