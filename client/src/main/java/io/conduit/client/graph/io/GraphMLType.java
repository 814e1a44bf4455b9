package io.conduit.client.graph.io;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;

import java.util.Locale;

/**
 * The value types of GraphML keys ({@code attr.type}), and Conduit's one addition: a {@code string}
 * key marked {@code conduit:type="json"} holds a JSON value (an object, a list, null, or a value of a
 * field whose values have several types). Each type turns text into the JSON value a Conduit graph
 * keeps: whole numbers as int or long by size, as JSON would give them.
 */
enum GraphMLType {
  BOOLEAN("boolean"),
  INT("int"),
  LONG("long"),
  FLOAT("float"),
  DOUBLE("double"),
  STRING("string"),
  JSON("string");

  /** The {@code attr.type} it is written with. */
  final String xmlName;

  GraphMLType(String xmlName) {
    this.xmlName = xmlName;
  }

  /** The type of a key's {@code attr.type} (string when absent; Gephi's "integer" is int), or null for an unknown one. */
  static GraphMLType of(String attrType, boolean json) {
    if (json) {
      return attrType == null || attrType.equals("string") ? JSON : null;
    }
    return switch (attrType == null ? "string" : attrType) {
      case "boolean" -> BOOLEAN;
      case "int", "integer" -> INT;
      case "long" -> LONG;
      case "float" -> FLOAT;
      case "double" -> DOUBLE;
      case "string" -> STRING;
      default -> null;
    };
  }

  /** The value {@code text} stands for; IllegalArgumentException saying why it is not one. */
  Object parse(String text) {
    String trimmed = text.trim();
    switch (this) {
      case BOOLEAN -> {
        // what GraphML's xs:boolean allows, in any case, since NetworkX writes "True"
        return switch (trimmed.toLowerCase(Locale.ROOT)) {
          case "true", "1" -> Boolean.TRUE;
          case "false", "0" -> Boolean.FALSE;
          default -> throw new IllegalArgumentException("'" + clip(text) + "' is not a boolean (true or false)");
        };
      }
      case INT, LONG -> {
        long n;
        try {
          n = Long.parseLong(trimmed.startsWith("+") ? trimmed.substring(1) : trimmed);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + clip(text) + "' is not a whole number" + (this == INT ? " (int)" : " (long)"));
        }
        if (this == INT && n != (int) n) {
          throw new IllegalArgumentException(trimmed + " is out of the range of an int");
        }
        return n == (int) n ? (Object) (int) n : (Object) n;
      }
      case FLOAT, DOUBLE -> {
        double d;
        try {
          d = Double.parseDouble(trimmed);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + clip(text) + "' is not a number");
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new IllegalArgumentException("'" + trimmed + "' is not a finite number, which JSON data cannot hold");
        }
        return d;
      }
      case JSON -> {
        try {
          return Json.decodeValue(text);
        } catch (DecodeException e) {
          throw new IllegalArgumentException("'" + clip(text) + "' is not JSON: " + JsonLinesReader.firstLine(e.getMessage()));
        }
      }
      default -> {
        return text;
      }
    }
  }

  static String clip(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
