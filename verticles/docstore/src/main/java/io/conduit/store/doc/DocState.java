package io.conduit.store.doc;

import io.vertx.core.json.JsonObject;

/**
 * The document with its version and undo history, changed only by writes that make log records
 * (or, in the snapshot thread's copy, by following such writes), so that the live store, a
 * restart's replay and the snapshot writer's shadow copy all reach the same state. A record is
 * {@code {"v": version, "kind": "write"|"undo"|"redo", "op": request as applied}}.
 */
final class DocState {

  final DocTree tree;
  final History history;
  long version;

  DocState(DocTree tree, History history, long version) {
    this.tree = tree;
    this.history = history;
    this.version = version;
  }

  static DocState empty(int historyLimit) {
    return new DocState(new DocTree(), new History(historyLimit), 0);
  }

  static DocState fromSnapshot(JsonObject snapshot, int historyLimit) {
    return new DocState(new DocTree(snapshot.getJsonObject("document")),
        History.fromJson(snapshot.getJsonObject("history"), historyLimit), snapshot.getLong("v"));
  }

  JsonObject snapshot() {
    return new JsonObject().put("v", version).put("document", tree.snapshot()).put("history", history.toJson());
  }

  /** Applies a client's write; returns the result and the log record that reproduces it. */
  Applied write(JsonObject request) {
    Result result = tree.apply(request);
    History.Step step = new History.Step(result.change().op(), result.change().inverse());
    history.wrote(step);
    return new Applied(result, record("write", result), step);
  }

  /** Reverts the last step; null when there is nothing to undo. */
  Applied undo() {
    History.Step step = history.nextUndo();
    if (step == null) {
      return null;
    }
    Result result = tree.apply(step.undoRequest());
    history.undone();
    return new Applied(result, record("undo", result), null);
  }

  /** Applies the last undone step again; null when there is nothing to redo. */
  Applied redo() {
    History.Step step = history.nextRedo();
    if (step == null) {
      return null;
    }
    Result result = tree.apply(step.forward());
    history.redone();
    return new Applied(result, record("redo", result), null);
  }

  /** Applies a record the way the live store applied it: a restart's replay, and a shadow copy's undo or redo. */
  void replay(JsonObject record) {
    Result result = tree.apply(record.getJsonObject("op"));
    switch (record.getString("kind")) {
      case "write" -> history.wrote(new History.Step(result.change().op(), result.change().inverse()));
      case "undo" -> history.undone();
      case "redo" -> history.redone();
      default -> throw new IllegalStateException("unknown log record kind " + record.getString("kind"));
    }
    version = record.getLong("v");
  }

  /**
   * Applies what another state, the live one, applied: the snapshot thread's copy follows the live
   * document this way. A write's op is applied as the live tree applied it, unchecked, and the live
   * history's own step is taken (a step is never changed once made), so no change is built again:
   * re-checking and rebuilding each write cost the copy most of what the live write cost. An undo
   * or a redo moves a step between the stacks, and is replayed as the log replays it.
   */
  void follow(Applied applied) {
    if (applied.step() == null) {
      replay(applied.record());
      return;
    }
    tree.follow(applied.result().change());
    history.wrote(applied.step());
    version = applied.record().getLong("v");
  }

  private JsonObject record(String kind, Result result) {
    version++;
    return new JsonObject().put("v", version).put("kind", kind).put("op", result.change().op());
  }

  /**
   * A write as applied: what to reply, what to log and publish, and the step it added to the undo
   * history (null for an undo or a redo, which add none).
   */
  record Applied(Result result, JsonObject record, History.Step step) {
  }
}
