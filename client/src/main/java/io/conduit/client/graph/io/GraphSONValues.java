package io.conduit.client.graph.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * GraphSON 3.0's typed values both ways: ints as {@code g:Int32}, longs as {@code g:Int64}, numbers
 * with a fraction as {@code g:Double}, objects as {@code g:Map} (a flat key, value list), lists as
 * {@code g:List}; strings, booleans and null as plain JSON. Reading also takes {@code g:Float},
 * {@code g:Set}, {@code gx:BigInteger}, {@code gx:BigDecimal} and untyped JSON; a value of any other
 * type ({@code g:Date}, {@code g:UUID} ...) has no JSON form in a Conduit graph and is refused.
 */
final class GraphSONValues {

  private GraphSONValues() {
  }

  /** Writes a data value typed. */
  static void write(JsonGenerator g, Object value) throws IOException {
    if (value == null || value instanceof String || value instanceof Boolean) {
      JsonText.write(g, value);
    } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      typed(g, "g:Int32").writeNumber(((Number) value).intValue());
      g.writeEndObject();
    } else if (value instanceof Long n) {
      typed(g, "g:Int64").writeNumber(n);
      g.writeEndObject();
    } else if (value instanceof BigInteger n) {
      typed(g, "gx:BigInteger").writeNumber(n);
      g.writeEndObject();
    } else if (value instanceof BigDecimal n) {
      typed(g, "gx:BigDecimal").writeNumber(n);
      g.writeEndObject();
    } else if (value instanceof Number n) {
      typed(g, "g:Double").writeNumber(n.doubleValue());
      g.writeEndObject();
    } else if (value instanceof JsonObject o) {
      map(g, o.getMap());
    } else if (value instanceof Map<?, ?> m) {
      map(g, m);
    } else if (value instanceof JsonArray a) {
      list(g, a.getList());
    } else if (value instanceof List<?> l) {
      list(g, l);
    } else {
      JsonText.write(g, value);
    }
  }

  /** A typed id: {@code {"@type": "g:Int64", "@value": id}}. */
  static void writeId(JsonGenerator g, long id) throws IOException {
    typed(g, "g:Int64").writeNumber(id);
    g.writeEndObject();
  }

  private static JsonGenerator typed(JsonGenerator g, String type) throws IOException {
    g.writeStartObject();
    g.writeStringField("@type", type);
    g.writeFieldName("@value");
    return g;
  }

  private static void map(JsonGenerator g, Map<?, ?> map) throws IOException {
    typed(g, "g:Map").writeStartArray();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      g.writeString(String.valueOf(e.getKey()));
      write(g, e.getValue());
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void list(JsonGenerator g, List<?> list) throws IOException {
    typed(g, "g:List").writeStartArray();
    for (Object item : list) {
      write(g, item);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * Reads the value the parser is at (its first token current); whole numbers come back as int or
   * long by size, as JSON would give them. IllegalArgumentException says what is wrong with it.
   */
  static Object read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IllegalArgumentException("the file ends inside a value");
    }
    switch (t) {
      case VALUE_STRING:
        return p.getText();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      case VALUE_NUMBER_INT:
        return wholeNumber(p);
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case START_ARRAY: {
        JsonArray list = new JsonArray();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(p));
        }
        return list;
      }
      case START_OBJECT:
        return object(p);
      default:
        throw new IllegalArgumentException("unexpected " + t);
    }
  }

  /** A typed value {@code {"@type", "@value"}}, or an untyped JSON object (a map). */
  private static Object object(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.FIELD_NAME || !"@type".equals(p.currentName())) {
      return untypedMap(p);
    }
    if (p.nextToken() != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("'@type' must be a type name such as \"g:Int64\"");
    }
    String type = p.getText();
    if (p.nextToken() != JsonToken.FIELD_NAME || !"@value".equals(p.currentName())) {
      throw new IllegalArgumentException("a " + type + " value has no '@value' after its '@type'");
    }
    p.nextToken();
    Object value = typedValue(p, type);
    if (p.nextToken() != JsonToken.END_OBJECT) {
      throw new IllegalArgumentException("a " + type + " value has more than '@type' and '@value'");
    }
    return value;
  }

  private static Object typedValue(JsonParser p, String type) throws IOException {
    JsonToken t = p.currentToken();
    switch (type) {
      case "g:Int32", "g:Int64", "gx:BigInteger": {
        if (t != JsonToken.VALUE_NUMBER_INT && !(type.equals("gx:BigInteger") && t == JsonToken.VALUE_STRING)) {
          throw new IllegalArgumentException("a " + type + " must be a whole number, got " + p.getText());
        }
        Object n = t == JsonToken.VALUE_STRING ? whole(bigInteger(p.getText())) : wholeNumber(p);
        if (type.equals("g:Int32") && !(n instanceof Integer) || type.equals("g:Int64") && n instanceof BigInteger) {
          throw new IllegalArgumentException(n + " is out of the range of a " + type);
        }
        return n;
      }
      case "g:Double", "g:Float": {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
          throw new IllegalArgumentException("a " + type + " must be a finite number (JSON data has no "
              + p.getText() + "), got " + p.getText());
        }
        return p.getDoubleValue();
      }
      case "gx:BigDecimal": {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
          throw new IllegalArgumentException("a gx:BigDecimal must be a finite number, got " + p.getText());
        }
        return p.getDecimalValue();
      }
      case "g:List", "g:Set": {
        requireArray(p, type);
        JsonArray list = new JsonArray();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(p));
        }
        return list;
      }
      case "g:Map": {
        requireArray(p, type);
        JsonObject map = new JsonObject();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          Object key = read(p);
          if (!(key instanceof String name)) {
            throw new IllegalArgumentException("a g:Map key must be a string to be a JSON object's, got " + key);
          }
          if (p.nextToken() == JsonToken.END_ARRAY) {
            throw new IllegalArgumentException("a g:Map's list has a key without a value ('" + name + "')");
          }
          map.put(name, read(p));
        }
        return map;
      }
      default:
        throw new IllegalArgumentException("a value of GraphSON type '" + type + "' has no JSON form in a Conduit graph "
            + "(it takes strings, numbers, booleans, null, g:List, g:Set and g:Map)");
    }
  }

  private static Object untypedMap(JsonParser p) throws IOException {
    JsonObject map = new JsonObject();
    while (p.currentToken() != JsonToken.END_OBJECT) {
      String name = p.currentName();
      p.nextToken();
      map.put(name, read(p));
      p.nextToken();
    }
    return map;
  }

  private static void requireArray(JsonParser p, String type) {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("the @value of a " + type + " must be a list");
    }
  }

  private static BigInteger bigInteger(String text) {
    try {
      return new BigInteger(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + GraphMLType.clip(text) + "' is not a whole number");
    }
  }

  private static Object wholeNumber(JsonParser p) throws IOException {
    return switch (p.getNumberType()) {
      case INT -> p.getIntValue();
      case LONG -> whole(p.getLongValue());
      default -> whole(p.getBigIntegerValue());
    };
  }

  private static Object whole(long n) {
    return n == (int) n ? (Object) (int) n : (Object) n;
  }

  /** A whole number as JSON would give it: int when it fits, else long, else BigInteger. */
  static Object whole(BigInteger n) {
    if (n.bitLength() <= 31) {
      return n.intValue();
    }
    return n.bitLength() <= 63 ? (Object) n.longValue() : n;
  }
}
