package io.conduit.store.doc;

import java.util.ArrayList;
import java.util.List;

/**
 * Follows a path down the tree, one step per level, so finding a value costs the path's depth and
 * never the document's size. Failures name the whole path and the step that failed.
 */
final class PathWalker {

  /**
   * A value found in the tree.
   *
   * @param path  the path with negative indexes replaced by the positions they meant
   * @param value the value itself, in tree form (not a copy)
   */
  record Found(Path path, Object value) {
  }

  /**
   * The container a write acts on and the last step of its path, checked against the container's
   * kind but not for presence (a set may create the key).
   *
   * @param path      the path as asked, for messages
   * @param container the DocObject or list holding the last step
   * @param parent    the container's path, negative indexes resolved
   */
  record Slot(Path path, Object container, Path parent) {

    /** The last step as an object key. */
    String key() {
      return (String) path.last();
    }

    /** The last step as a position of an existing list element. */
    int existingIndex() {
      return PathWalker.index((List<?>) container, (Long) path.last(), path, path.size() - 1);
    }

    /** The resolved path of the value this slot holds (for object keys, or an existing index). */
    Path resolved() {
      return parent.child(container instanceof DocObject ? key() : (long) existingIndex());
    }
  }

  private PathWalker() {
  }

  static Found find(DocObject root, Path path) {
    return find(root, path, path.size());
  }

  /** The value at the first {@code steps} steps of {@code path}; failures name the whole path. */
  private static Found find(DocObject root, Path path, int steps) {
    Object value = root;
    List<Object> resolved = new ArrayList<>(steps);
    for (int i = 0; i < steps; i++) {
      Object step = path.step(i);
      check(value, step, path, i);
      if (value instanceof DocObject object) {
        if (!object.has((String) step)) {
          throw DocException.notFound("path " + path + ": no key '" + step + "'" + location("the object", path, i));
        }
        value = object.get((String) step);
        resolved.add(step);
      } else {
        List<?> list = (List<?>) value;
        int at = index(list, (Long) step, path, i);
        value = list.get(at);
        resolved.add((long) at);
      }
    }
    return new Found(new Path(resolved), value);
  }

  /** The slot of a path's last step; callers refuse the root path, which has none, in their own words. */
  static Slot slot(DocObject root, Path path) {
    if (path.isRoot()) {
      throw new IllegalArgumentException("the root path has no slot");
    }
    Found parent = find(root, path, path.size() - 1);
    check(parent.value(), path.last(), path, path.size() - 1);
    return new Slot(path, parent.value(), parent.path());
  }

  /** The object at a path, for ops that only work on objects. */
  static Found object(DocObject root, Path path, String op) {
    return ofKind(root, path, op, DocObject.class, "an object");
  }

  /** The list at a path, for ops that only work on lists. */
  static Found list(DocObject root, Path path, String op) {
    return ofKind(root, path, op, List.class, "a list");
  }

  private static Found ofKind(DocObject root, Path path, String op, Class<?> kind, String kindName) {
    Found found = find(root, path);
    if (!kind.isInstance(found.value())) {
      throw DocException.badRequest("path " + path + ": " + op + " needs " + kindName + ", but "
          + (path.isRoot() ? "the root" : "the value there") + " is " + Values.kind(found.value()));
    }
    return found;
  }

  /** Refuses a step that the container cannot take: a key on a list, an index on an object, anything on a scalar. */
  private static void check(Object container, Object step, Path path, int i) {
    if (container instanceof DocObject) {
      if (!(step instanceof String)) {
        throw DocException.badRequest("path " + path + ": step " + i + " is the index " + step + ", but "
            + where(path, i) + " is an object, which takes string keys");
      }
    } else if (container instanceof List) {
      if (!(step instanceof Long)) {
        throw DocException.badRequest("path " + path + ": step " + i + " is the key '" + step + "', but "
            + where(path, i) + " is a list, which takes integer indexes");
      }
    } else {
      throw DocException.badRequest("path " + path + ": " + where(path, i) + " is " + Values.kind(container)
          + ", which has no keys or indexes");
    }
  }

  /** Names the container that step {@code i} looks into. */
  private static String where(Path path, int i) {
    return i == 0 ? "the root" : "the value at " + path.prefix(i);
  }

  /** The position an index (negative counts from the end) names in a list; NOT_FOUND when outside it. */
  static int index(List<?> list, long index, Path path, int i) {
    long at = index < 0 ? index + list.size() : index;
    if (at < 0 || at >= list.size()) {
      throw DocException.notFound("path " + path + ": index " + index + " is out of range for "
          + (list.isEmpty() ? "an empty list" : "a list of " + list.size()) + location("", path, i));
    }
    return (int) at;
  }

  /** " in the object at [..]" when the failing step is not the path's last, where the container is not obvious. */
  private static String location(String container, Path path, int i) {
    if (i == path.size() - 1) {
      return "";
    }
    if (i == 0) {
      return " in the root object";
    }
    return (container.isEmpty() ? "" : " in " + container) + " at " + path.prefix(i);
  }
}
