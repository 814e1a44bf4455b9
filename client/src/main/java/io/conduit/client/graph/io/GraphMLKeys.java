package io.conduit.client.graph.io;

import io.conduit.client.graph.Entity;
import io.conduit.client.graph.GraphStoreException;
import io.conduit.codec.ErrorCode;
import io.vertx.core.json.Json;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of a GraphML export, learnt from a first read of the whole graph, since GraphML declares
 * every key before the first node: one key per field, kind (node or edge) and type of value. A field
 * whose values all are booleans, whole numbers, numbers with a fraction or text gets one typed key
 * (whole numbers: {@code int}, or {@code long} once one is beyond an int); a field holding objects,
 * lists, null, or text XML cannot carry exactly, gets a {@code string} key marked
 * {@code conduit:type="json"} whose values are JSON; a field with values of several types gets one
 * key per type. Memory grows with the number of distinct fields, not with the graph.
 */
final class GraphMLKeys {

  /** A declared key: its id ({@code d0}...), {@code node} or {@code edge}, field name and type. */
  record Key(String id, String domain, String name, GraphMLType type) {
  }

  /** The types seen in one field of one kind. */
  private static final class Field {
    final EnumSet<GraphMLType> types = EnumSet.noneOf(GraphMLType.class);
    final Map<GraphMLType, Key> keys = new LinkedHashMap<>();
  }

  private final Map<String, Field> fields = new LinkedHashMap<>();
  private final List<Key> keys = new ArrayList<>();

  /** Notes the type of each of the entity's fields (first read). */
  void observe(Entity e) {
    String domain = e.kind();
    e.data().forEach(entry -> {
      String name = entry.getKey();
      Field field = fields.computeIfAbsent(domain + '\u0000' + name, k -> {
        if (!XmlChars.attribute(name)) {
          throw new GraphStoreException(400, ErrorCode.BAD_REQUEST, "field " + Json.encode(name) + " of " + domain + " "
              + e.id() + " has a name GraphML cannot carry (a control character, tab or line break); export as "
              + "graphson or json instead");
        }
        return new Field();
      });
      GraphMLType type = typeOf(entry.getValue());
      if (type == GraphMLType.INT && field.types.contains(GraphMLType.LONG)) {
        return;
      }
      if (type == GraphMLType.LONG) {
        field.types.remove(GraphMLType.INT); // one key for a field's whole numbers
      }
      field.types.add(type);
    });
  }

  /** Gives each field's types their keys, in the order the fields were first seen; the keys to declare. */
  List<Key> declare() {
    fields.forEach((k, field) -> {
      int sep = k.indexOf('\u0000');
      for (GraphMLType type : field.types) {
        Key key = new Key("d" + keys.size(), k.substring(0, sep), k.substring(sep + 1), type);
        field.keys.put(type, key);
        keys.add(key);
      }
    });
    return List.copyOf(keys);
  }

  /**
   * The key a value of this field is written under, or null when the first read did not see the
   * field with a value of this type (the graph changed between the two reads).
   */
  Key keyFor(String domain, String name, Object value) {
    Field field = fields.get(domain + '\u0000' + name);
    if (field == null) {
      return null;
    }
    GraphMLType type = typeOf(value);
    Key key = field.keys.get(type);
    return key == null && type == GraphMLType.INT ? field.keys.get(GraphMLType.LONG) : key;
  }

  /** The key type a value is written with. */
  static GraphMLType typeOf(Object value) {
    if (value instanceof Boolean) {
      return GraphMLType.BOOLEAN;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return GraphMLType.INT;
    }
    if (value instanceof Long n) {
      return n == n.intValue() ? GraphMLType.INT : GraphMLType.LONG;
    }
    if (value instanceof Double || value instanceof Float) {
      return GraphMLType.DOUBLE;
    }
    if (value instanceof String s && XmlChars.text(s)) {
      return GraphMLType.STRING;
    }
    return GraphMLType.JSON; // objects, lists, null, numbers beyond a long, text XML cannot carry
  }

  /** The text a value is written as under a key of {@code type}. */
  static String text(GraphMLType type, Object value) {
    return switch (type) {
      case JSON -> JsonText.xmlSafe(value);
      case DOUBLE -> Double.toString(((Number) value).doubleValue());
      default -> String.valueOf(value);
    };
  }
}
