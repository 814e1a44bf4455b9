package io.conduit.store.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random writes aimed mostly at paths and kinds that fit, sometimes at missing keys or the wrong kind. */
final class RandomWrites {
  private static final List<String> ALL = List.of("set", "delete", "incr", "append", "insert", "extend", "pop",
      "update", "setdefault", "clear");
  private static final List<String> LIST_OPS = List.of("append", "insert", "extend", "pop", "clear");
  private static final List<String> OBJECT_OPS = List.of("update", "setdefault", "clear");
  private static final String[] KEYS = {"a", "b", "c", "x", "y", "z"};
  private final Random random;

  RandomWrites(Random random) {
    this.random = random;
  }

  JsonObject batch(JsonObject doc) {
    JsonArray ops = new JsonArray();
    for (int i = 1 + random.nextInt(4); i > 0; i--) {
      ops.add(write(doc));
    }
    return new JsonObject().put("op", "batch").put("ops", ops);
  }

  JsonObject write(JsonObject doc) {
    boolean leaf = random.nextInt(10) < 4;
    JsonArray path = new JsonArray();
    Object target = walk(doc, path, leaf);
    String op = random.nextInt(8) == 0 ? pick(ALL)
        : leaf ? pick(List.of("set", "set", "delete", "incr"))
        : target instanceof JsonArray ? pick(LIST_OPS) : pick(OBJECT_OPS);
    JsonObject r = new JsonObject().put("op", op).put("path", path);
    switch (op) {
      case "set" -> {
        r.put("value", value(2));
        if (random.nextInt(4) == 0) {
          r.put("before", KEYS[random.nextInt(KEYS.length)]); // where a new key goes, if the key is new
        }
      }
      case "append" -> r.put("value", value(2));
      case "update" -> r.put("value", object(1));
      case "setdefault" -> r.put("key", KEYS[random.nextInt(KEYS.length)]).put("value", value(2));
      case "insert" -> r.put("index", random.nextInt(9) - 4).put("value", value(2));
      case "extend" -> r.put("values", new JsonArray().add(value(1)).add(value(1)));
      case "pop" -> {
        if (random.nextBoolean()) {
          r.put("index", random.nextInt(7) - 3);
        }
      }
      case "incr" -> r.put("by", random.nextBoolean() ? random.nextInt(5) : 0.5);
      default -> {
      }
    }
    return r;
  }

  private String pick(List<String> ops) {
    return ops.get(random.nextInt(ops.size()));
  }

  /**
   * Adds steps into {@code doc} to {@code path} and returns what they reach (null when a step
   * missed). A leaf path ends with a key or index of a container, sometimes a new or wrong one;
   * any other path mostly ends at a container.
   */
  private Object walk(JsonObject doc, JsonArray path, boolean leaf) {
    Object at = doc;
    while (isContainer(at)) {
      List<Object> steps = new ArrayList<>();
      List<Object> containers = new ArrayList<>();
      if (at instanceof JsonObject o) {
        for (String key : o.fieldNames()) {
          (isContainer(o.getValue(key)) ? containers : steps).add(key);
        }
        steps.add(KEYS[random.nextInt(KEYS.length)]);
      } else {
        JsonArray a = (JsonArray) at;
        for (int i = 0; i < a.size(); i++) {
          (isContainer(a.getValue(i)) ? containers : steps).add(i);
        }
        steps.add(random.nextBoolean() ? a.size() : -a.size() - 1);
      }
      steps.addAll(containers);
      boolean stop = random.nextInt(at instanceof JsonArray ? 3 : path.isEmpty() ? 12 : 4) == 0;
      if (!leaf && (stop || containers.isEmpty()) && random.nextInt(10) > 0) {
        return at;
      }
      Object step = leaf || containers.isEmpty() || random.nextInt(10) == 0 ? steps.get(random.nextInt(steps.size()))
          : containers.get(random.nextInt(containers.size()));
      if (step instanceof Integer i && random.nextBoolean()) {
        step = i - ((JsonArray) at).size();
      }
      path.add(step);
      at = valueAt(at, step);
      if (leaf && (stop || !isContainer(at))) {
        return at;
      }
    }
    return at;
  }

  private static boolean isContainer(Object value) {
    return value instanceof JsonObject || value instanceof JsonArray;
  }

  private static Object valueAt(Object container, Object step) {
    if (container instanceof JsonObject o) {
      return o.getValue((String) step);
    }
    JsonArray a = (JsonArray) container;
    int i = (Integer) step < 0 ? (Integer) step + a.size() : (Integer) step;
    return i >= 0 && i < a.size() ? a.getValue(i) : null;
  }

  private Object value(int depth) {
    return switch (random.nextInt(depth > 0 ? 8 : 6)) {
      case 0 -> random.nextInt(100);
      case 1 -> random.nextInt(100) / 4.0;
      case 2 -> "s" + random.nextInt(10);
      case 3 -> random.nextBoolean();
      case 4 -> null;
      case 5 -> KEYS[random.nextInt(KEYS.length)];
      case 6 -> new JsonArray().add(value(depth - 1)).add(value(depth - 1));
      default -> object(depth);
    };
  }

  private JsonObject object(int depth) {
    JsonObject o = new JsonObject();
    for (int i = random.nextInt(3); i > 0; i--) {
      o.put(KEYS[random.nextInt(KEYS.length)], value(depth - 1));
    }
    return o;
  }
}
