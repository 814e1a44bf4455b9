package io.conduit.store.doc;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a value sits in a document: object keys (strings) and list indexes (integers; negative
 * ones count from the end, as in Python), outermost first. {@code []} is the root. Prints as JSON,
 * {@code ["l", 4]}, which is how error messages name it.
 *
 * @param steps strings and {@code Long}s
 */
public record Path(List<Object> steps) {

  public static final Path ROOT = new Path(List.of());

  public Path {
    steps = List.copyOf(steps);
    for (int i = 0; i < steps.size(); i++) { // indexed: no iterator per path
      Object step = steps.get(i);
      if (!(step instanceof String) && !(step instanceof Long)) {
        throw new IllegalArgumentException("a path step is a String or a Long, not " + step);
      }
    }
  }

  /** A path of keys and indexes (ints or longs), for callers that build one in code. */
  public static Path of(Object... steps) {
    List<Object> list = new ArrayList<>(steps.length);
    for (Object step : steps) {
      list.add(step instanceof Integer i ? Long.valueOf(i) : step);
    }
    return new Path(list);
  }

  /** Reads a path from a request: a JSON array of strings and integers, no longer than the depth limit. */
  public static Path parse(Object json) {
    if (!(json instanceof JsonArray array)) {
      throw DocException.badRequest("path must be a JSON array of keys and indexes such as [\"l\", 4], [] for the "
          + "root; got " + Values.brief(json));
    }
    if (array.size() > DocTree.MAX_DEPTH) {
      throw DocException.badRequest("path has " + array.size() + " steps; a document nests at most "
          + DocTree.MAX_DEPTH + " levels");
    }
    Object[] steps = new Object[array.size()];
    for (int i = 0; i < steps.length; i++) {
      Object step = array.getValue(i);
      if (step instanceof String) {
        steps[i] = step;
      } else if (step instanceof Integer || step instanceof Long || step instanceof Short || step instanceof Byte) {
        steps[i] = ((Number) step).longValue();
      } else if (step instanceof BigInteger big && big.bitLength() < 64) {
        steps[i] = big.longValue();
      } else {
        throw DocException.badRequest("path " + describe(array) + ": step " + i + " is " + Values.brief(step)
            + "; a step must be a string key or an integer index");
      }
    }
    return new Path(List.of(steps)); // immutable already: the constructor's copy keeps it as it is
  }

  /** A path that failed to parse, printed like a good one. */
  private static String describe(JsonArray array) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < array.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(Values.brief(array.getValue(i)));
    }
    return s.append(']').toString();
  }

  public int size() {
    return steps.size();
  }

  public boolean isRoot() {
    return steps.isEmpty();
  }

  public Object step(int i) {
    return steps.get(i);
  }

  public Object last() {
    return steps.get(steps.size() - 1);
  }

  /** The path of the container of this path's value; the root has none. */
  public Path parent() {
    return prefix(steps.size() - 1);
  }

  /** The first {@code n} steps. */
  public Path prefix(int n) {
    return new Path(steps.subList(0, n));
  }

  /** This path with one more step, a String key or an index. */
  public Path child(Object step) {
    List<Object> longer = new ArrayList<>(steps.size() + 1);
    longer.addAll(steps);
    longer.add(step instanceof Integer i ? Long.valueOf(i) : step);
    return new Path(longer);
  }

  public JsonArray toJson() {
    return new JsonArray(new ArrayList<>(steps));
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < steps.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(steps.get(i) instanceof String key ? Json.encode(key) : steps.get(i));
    }
    return s.append(']').toString();
  }
}
