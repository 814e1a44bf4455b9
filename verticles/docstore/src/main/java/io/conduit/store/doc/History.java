package io.conduit.store.doc;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bounded undo and redo stacks. A step is what one write (a batch counts as one) applied and the
 * inverse that reverts it. A new write clears redo, as users expect; the oldest undo step falls
 * off past the bound. Rebuilt on restart from the snapshot and the log, so it survives crashes.
 */
final class History {

  /**
   * One undoable step: the request as applied, and the primitive ops that revert it. Never changed
   * once made (undo copies the inverse it sends): the snapshot thread's copy of the history holds
   * the live change's own op and inverse and encodes them on its thread ({@link DocState#follow}).
   */
  record Step(JsonObject forward, JsonArray inverse) {

    /** The step of a write: its change's op and inverse, not copies. */
    static Step of(Change change) {
      return new Step(change.op(), change.inverse());
    }

    JsonObject undoRequest() {
      return new JsonObject().put("op", "batch").put("ops", inverse.copy());
    }

    JsonObject toJson() {
      return new JsonObject().put("forward", forward).put("inverse", inverse);
    }

    static Step fromJson(JsonObject json) {
      return new Step(json.getJsonObject("forward"), json.getJsonArray("inverse"));
    }
  }

  private final int limit;
  private final Deque<Step> undo = new ArrayDeque<>();
  private final Deque<Step> redo = new ArrayDeque<>();

  History(int limit) {
    this.limit = limit;
  }

  void wrote(Step step) {
    undo.push(step);
    if (undo.size() > limit) {
      undo.removeLast();
    }
    redo.clear();
  }

  Step nextUndo() {
    return undo.peek();
  }

  Step nextRedo() {
    return redo.peek();
  }

  /** The top undo step was applied in reverse: it becomes the next redo. */
  void undone() {
    redo.push(undo.pop());
  }

  /** The top redo step was applied again: it becomes the next undo. */
  void redone() {
    undo.push(redo.pop());
  }

  JsonObject toJson() {
    JsonArray u = new JsonArray();
    undo.forEach(s -> u.add(s.toJson()));
    JsonArray r = new JsonArray();
    redo.forEach(s -> r.add(s.toJson()));
    return new JsonObject().put("undo", u).put("redo", r);
  }

  static History fromJson(JsonObject json, int limit) {
    History h = new History(limit);
    if (json != null) {
      // Stacks are written top first; push them back bottom first.
      JsonArray u = json.getJsonArray("undo", new JsonArray());
      for (int i = Math.min(u.size(), limit) - 1; i >= 0; i--) {
        h.undo.push(Step.fromJson(u.getJsonObject(i)));
      }
      JsonArray r = json.getJsonArray("redo", new JsonArray());
      for (int i = r.size() - 1; i >= 0; i--) {
        h.redo.push(Step.fromJson(r.getJsonObject(i)));
      }
    }
    return h;
  }
}
