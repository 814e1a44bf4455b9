package io.conduit.task;

import io.conduit.codec.ErrorCode;
import io.conduit.store.engine.EngineException;
import io.vertx.core.Future;

/**
 * Whether a standalone node's task records still match its storage. Once a change could not be
 * stored (a full disk, an engine fault), the records in memory hold something a restart would not
 * find, so the queue stops serving, as the document and graph stores do: every request is refused
 * with the reason, and the node's health check reports it, until the queue is restarted.
 */
final class StorageState {

  private final String queue;
  private volatile String failure;

  StorageState(String queue) {
    this.queue = queue;
  }

  /** A change was not stored: from now on the queue refuses everything. */
  void failed(Throwable cause) {
    if (failure == null) {
      failure = "task queue '" + queue + "' stopped serving: a change to its tasks could not be stored ("
          + EngineException.reason(cause)
          + "); restart it to recover the last durable state";
    }
  }

  /** Null while serving; otherwise why it stopped. */
  String failure() {
    return failure;
  }

  /** The answer to every request once it stopped. */
  <T> Future<T> refusal() {
    return Future.failedFuture(new TaskException(ErrorCode.INTERNAL, failure));
  }
}
