package io.conduit.store.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The writes that work on a key or an index: set, delete, incr, and the dict methods update,
 * setdefault and clear. Each checks everything before changing anything, so a failure leaves the
 * tree as it was, and returns the primitive ops that undo it ({@link #setAsApplied}, which repeats
 * a set on a copy of the tree, is the one exception: it checks only that the copy has not diverged).
 */
final class WriteOps {

  private WriteOps() {
  }

  /** Sets a key of an object (creating it) or an existing list item; {@code []} replaces the whole document. */
  static Change set(DocObject root, Op.Set set) {
    Path path = set.path();
    Object value = set.value();
    if (path.isRoot()) {
      return replaceRoot(root, set);
    }
    PathWalker.Slot slot = PathWalker.slot(root, path);
    if (slot.container() instanceof DocObject object) {
      String key = slot.key();
      Path target = slot.parent().child(key);
      JsonObject op = Change.op("set", target).put("value", Values.toJson(value));
      if (object.has(key)) {
        Object old = object.get(key);
        object.put(key, value);
        return change(op, target, null, Change.op("set", target).put("value", Values.toJson(old)));
      }
      String before = set.before();
      if (before != null && !object.has(before)) {
        throw DocException.notFound("path " + path + ": no key '" + before + "' to put the new key '" + key
            + "' before");
      }
      object.putBefore(key, value, before);
      return change(before == null ? op : op.put("before", before), target, null, Change.op("delete", target));
    }
    if (set.before() != null) {
      throw DocException.badRequest("path " + path + ": 'before' places a new key in an object, but the value at "
          + path.parent() + " is a list");
    }
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) slot.container();
    Path target = slot.resolved();
    Object old = list.set(slot.existingIndex(), value);
    return change(Change.op("set", target).put("value", Values.toJson(value)), target, null,
        Change.op("set", target).put("value", Values.toJson(old)));
  }

  /**
   * {@link #set} once more, on a copy of the tree it was applied to (see {@link DocTree#follow}):
   * the same change to the tree, from the change's op (where {@code before} is there only when the
   * key was new), with no change built. Checks only what tells a copy that has diverged: that a key
   * {@code created} there is new here too, and an existing one exists.
   *
   * @throws IllegalStateException when it does not fit: the copy has diverged
   */
  static void setAsApplied(DocObject root, Op.Set set, boolean created) {
    if (set.path().isRoot()) {
      replaceMembers(root, (DocObject) set.value());
      return;
    }
    PathWalker.Slot slot = PathWalker.slot(root, set.path());
    if (slot.container() instanceof DocObject object) {
      if (object.has(slot.key()) == created) {
        throw new IllegalStateException("path " + set.path() + ": the set " + (created ? "created" : "replaced")
            + " this key where it was applied, but this copy " + (created ? "has it already" : "has no such key"));
      }
      if (created) {
        object.putBefore(slot.key(), set.value(), set.before());
      } else {
        object.put(slot.key(), set.value()); // in its place
      }
      return;
    }
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) slot.container();
    list.set(slot.existingIndex(), set.value());
  }

  private static Change replaceRoot(DocObject root, Op.Set set) {
    if (!(set.value() instanceof DocObject replacement) || set.before() != null) {
      throw DocException.badRequest("path []: the document is always an object, so set [] needs an object value "
          + "(and no 'before'), not " + Values.kind(set.value()));
    }
    JsonObject old = Values.toJson(root);
    replaceMembers(root, replacement);
    return change(Change.op("set", Path.ROOT).put("value", Values.toJson(root)), Path.ROOT, null,
        Change.op("set", Path.ROOT).put("value", old));
  }

  /** The root's members become {@code replacement}'s, in its order. */
  private static void replaceMembers(DocObject root, DocObject replacement) {
    root.clear();
    for (DocObject.Member m = replacement.first(); m != null; m = m.next()) {
      root.put(m.key(), m.value());
    }
  }

  /** Removes a key of an object or an item of a list; undo puts it back where it was. */
  static Change delete(DocObject root, Path path) {
    if (path.isRoot()) {
      throw DocException.badRequest("path []: the document itself cannot be deleted; clear empties it");
    }
    PathWalker.Slot slot = PathWalker.slot(root, path);
    if (slot.container() instanceof DocObject object) {
      String key = slot.key();
      DocObject.Member member = object.member(key);
      if (member == null) {
        throw DocException.notFound("path " + path + ": no key '" + key + "'");
      }
      Path target = slot.parent().child(key);
      JsonObject undo = Change.op("set", target).put("value", Values.toJson(member.value()));
      if (member.next() != null) {
        undo.put("before", member.next().key());
      }
      object.remove(key);
      return change(Change.op("delete", target), target, null, undo);
    }
    List<?> list = (List<?>) slot.container();
    int index = slot.existingIndex();
    Path target = slot.parent().child((long) index);
    Object old = list.remove(index);
    return change(Change.op("delete", target), target, null,
        Change.op("insert", slot.parent()).put("index", index).put("value", Values.toJson(old)));
  }

  /**
   * Adds {@code by} to a number, or creates a missing key of an object with {@code by}. Integers
   * stay integers (a Long) when both are integral, else the sum is a Double.
   */
  static Change incr(DocObject root, Path path, Number by) {
    if (path.isRoot()) {
      throw DocException.badRequest("path []: incr needs a number, but the root is an object");
    }
    PathWalker.Slot slot = PathWalker.slot(root, path);
    Path target = slot.resolved();
    JsonObject op = Change.op("incr", target).put("by", by);
    if (slot.container() instanceof DocObject object && !object.has(slot.key())) {
      Number created = Values.isIntegral(by) ? (Number) by.longValue() : (Number) by.doubleValue();
      object.put(slot.key(), created);
      return change(op, target, created, Change.op("delete", target));
    }
    Object old = slot.container() instanceof DocObject object ? object.get(slot.key())
        : ((List<?>) slot.container()).get(slot.existingIndex());
    if (!(old instanceof Number number)) {
      throw DocException.badRequest("path " + path + ": incr needs a number, but the value there is "
          + Values.kind(old));
    }
    Number sum = add(number, by, path);
    if (slot.container() instanceof DocObject object) {
      object.put(slot.key(), sum);
    } else {
      @SuppressWarnings("unchecked")
      List<Object> list = (List<Object>) slot.container();
      list.set(slot.existingIndex(), sum);
    }
    return change(op, target, sum, Change.op("set", target).put("value", old));
  }

  private static Number add(Number a, Number b, Path path) {
    if (Values.isIntegral(a) && Values.isIntegral(b)) {
      try {
        return Math.addExact(a.longValue(), b.longValue());
      } catch (ArithmeticException e) {
        throw DocException.badRequest("path " + path + ": " + a + " + " + b + " does not fit in a 64-bit integer");
      }
    }
    double sum = a.doubleValue() + b.doubleValue();
    if (!Double.isFinite(sum)) {
      throw DocException.badRequest("path " + path + ": " + a + " + " + b + " is too large for a JSON number");
    }
    return sum;
  }

  /** Python's dict.update: sets each key of {@code value} in the object; existing keys keep their place. */
  static Change update(DocObject root, Path path, DocObject value) {
    PathWalker.Found found = PathWalker.object(root, path, "update");
    DocObject object = (DocObject) found.value();
    JsonObject op = Change.op("update", found.path()).put("value", Values.toJson(value));
    List<JsonObject> undo = new ArrayList<>(value.size());
    for (DocObject.Member m = value.first(); m != null; m = m.next()) {
      Path target = found.path().child(m.key());
      undo.add(object.has(m.key()) ? Change.op("set", target).put("value", Values.toJson(object.get(m.key())))
          : Change.op("delete", target));
      object.put(m.key(), m.value());
    }
    JsonArray inverse = new JsonArray();
    for (int i = undo.size() - 1; i >= 0; i--) {
      inverse.add(undo.get(i));
    }
    return new Change(op, found.path(), null, inverse);
  }

  /** Python's dict.setdefault: the value at {@code key}, set to {@code value} first if the key is missing. */
  static Change setDefault(DocObject root, Op.SetDefault op) {
    PathWalker.Found found = PathWalker.object(root, op.path(), "setdefault");
    DocObject object = (DocObject) found.value();
    Path target = found.path().child(op.key());
    JsonObject json = Change.op("setdefault", found.path()).put("key", op.key())
        .put("value", Values.toJson(op.value()));
    if (object.has(op.key())) {
      return new Change(json, target, Values.toJson(object.get(op.key())), new JsonArray());
    }
    object.put(op.key(), op.value());
    return change(json, target, Values.toJson(op.value()), Change.op("delete", target));
  }

  /** Empties an object or a list; undo refills it in the same order. */
  static Change clear(DocObject root, Path path) {
    PathWalker.Found found = PathWalker.find(root, path);
    JsonObject op = Change.op("clear", found.path());
    if (found.value() instanceof DocObject object) {
      JsonObject old = Values.toJson(object);
      object.clear();
      return change(op, found.path(), null, Change.op("update", found.path()).put("value", old));
    }
    if (found.value() instanceof List<?> list) {
      JsonArray old = (JsonArray) Values.toJson(list);
      list.clear();
      return change(op, found.path(), null, Change.op("extend", found.path()).put("values", old));
    }
    throw DocException.badRequest("path " + path + ": clear needs an object or a list, not "
        + Values.kind(found.value()));
  }

  /** A change undone by one op. */
  static Change change(JsonObject op, Path path, Object value, JsonObject undo) {
    return new Change(op, path, value, new JsonArray().add(undo));
  }
}
