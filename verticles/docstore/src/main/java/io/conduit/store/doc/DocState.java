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
    history.wrote(History.Step.of(result.change()));
    return new Applied(result, record("write", result));
  }

  /** Reverts the last step; null when there is nothing to undo. */
  Applied undo() {
    History.Step step = history.nextUndo();
    if (step == null) {
      return null;
    }
    Result result = tree.apply(step.undoRequest());
    history.undone();
    return new Applied(result, record("undo", result));
  }

  /** Applies the last undone step again; null when there is nothing to redo. */
  Applied redo() {
    History.Step step = history.nextRedo();
    if (step == null) {
      return null;
    }
    Result result = tree.apply(step.forward());
    history.redone();
    return new Applied(result, record("redo", result));
  }

  /** Applies a record the way the live store applied it: a restart's replay, and a shadow copy's undo or redo. */
  void replay(JsonObject record) {
    Result result = tree.apply(record.getJsonObject("op"));
    switch (record.getString("kind")) {
      case "write" -> history.wrote(History.Step.of(result.change()));
      case "undo" -> history.undone();
      case "redo" -> history.redone();
      default -> throw new IllegalStateException("unknown log record kind " + record.getString("kind"));
    }
    version = record.getLong("v");
  }

  /**
   * Applies what another state, the live one, applied: the snapshot thread's copy follows the live
   * document this way. A write's op is applied as the live tree applied it, unchecked, and its step
   * holds the live change's own op and inverse (never changed once made), so no change is built
   * again: re-checking and rebuilding each write cost the copy most of what the live write cost. An
   * undo or a redo moves a step between the stacks, and is replayed as the log replays it.
   */
  void follow(Applied applied) {
    if (!"write".equals(applied.record().getString("kind"))) {
      replay(applied.record());
      return;
    }
    Change change = applied.result().change();
    tree.follow(change);
    history.wrote(History.Step.of(change));
    version = applied.record().getLong("v");
  }

  private JsonObject record(String kind, Result result) {
    version++;
    return new JsonObject().put("v", version).put("kind", kind).put("op", result.change().op());
  }

  /** A write as applied: what to reply, and what to log and publish. */
  record Applied(Result result, JsonObject record) {
  }
}
