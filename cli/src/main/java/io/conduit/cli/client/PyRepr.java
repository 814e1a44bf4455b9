package io.conduit.cli.client;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/** Shows JSON values the way Python's {@code repr} shows the same dicts, lists and scalars. */
final class PyRepr {

  private PyRepr() {
  }

  static String of(Object value) {
    StringBuilder b = new StringBuilder();
    append(b, value);
    return b.toString();
  }

  private static void append(StringBuilder b, Object v) {
    if (v == null) {
      b.append("None");
    } else if (v instanceof Boolean bool) {
      b.append(bool ? "True" : "False");
    } else if (v instanceof String s) {
      string(b, s);
    } else if (v instanceof JsonObject o) {
      map(b, o.getMap());
    } else if (v instanceof Map<?, ?> m) {
      map(b, m);
    } else if (v instanceof JsonArray a) {
      list(b, a.getList());
    } else if (v instanceof List<?> l) {
      list(b, l);
    } else if (v instanceof Buffer buf) {
      b.append("b").append(buf.length()).append(" bytes");
    } else if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16) {
      b.append(String.format("%.1f", d));
    } else {
      b.append(v);
    }
  }

  private static void map(StringBuilder b, Map<?, ?> m) {
    b.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!first) {
        b.append(", ");
      }
      first = false;
      append(b, String.valueOf(e.getKey()));
      b.append(": ");
      append(b, e.getValue());
    }
    b.append('}');
  }

  private static void list(StringBuilder b, List<?> l) {
    b.append('[');
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        b.append(", ");
      }
      append(b, l.get(i));
    }
    b.append(']');
  }

  /** Python's quoting: single quotes unless the text holds one and no double quote. */
  private static void string(StringBuilder b, String s) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    b.append(q);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> {
          if (c == q) {
            b.append('\\');
          }
          b.append(c);
        }
      }
    }
    b.append(q);
  }
}
