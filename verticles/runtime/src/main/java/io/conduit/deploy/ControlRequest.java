package io.conduit.deploy;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A request to {@link NodeControl}, validated once; the message of a refusal names the field. */
record ControlRequest(Op op, String name, int instances) {

  enum Op { SERVICES, SCALE, STOP, START }

  static ControlRequest parse(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw new IllegalArgumentException("the request must be a JSON object with an 'op', e.g. {\"op\": \"services\"}");
    }
    Op op = op(json.getValue("op"));
    if (op == Op.SERVICES) {
      return new ControlRequest(op, null, 0);
    }
    Object name = json.getValue("name");
    if (!(name instanceof String n) || n.isBlank()) {
      throw new IllegalArgumentException("name: required for '" + label(op) + "', the name of a service");
    }
    if (op != Op.SCALE) {
      return new ControlRequest(op, n, 0);
    }
    Object instances = json.getValue("instances");
    if (!(instances instanceof Integer || instances instanceof Long)) {
      throw new IllegalArgumentException("instances: required for 'scale', a whole number, got " + instances);
    }
    long count = ((Number) instances).longValue();
    if (count < 1 || count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("instances: must be at least 1, got " + count);
    }
    return new ControlRequest(op, n, (int) count);
  }

  private static Op op(Object value) {
    String known = Arrays.stream(Op.values()).map(ControlRequest::label).collect(Collectors.joining(", "));
    if (value instanceof String s) {
      for (Op op : Op.values()) {
        if (label(op).equals(s)) {
          return op;
        }
      }
    }
    throw new IllegalArgumentException("op: must be one of " + known + ", got " + value);
  }

  private static String label(Op op) {
    return op.name().toLowerCase(Locale.ROOT);
  }
}
