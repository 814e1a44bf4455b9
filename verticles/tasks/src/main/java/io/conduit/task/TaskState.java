package io.conduit.task;

import io.conduit.codec.Quoted;

/**
 * The states of a task, as Celery names them. PENDING and RETRY wait for a worker; STARTED and
 * PROGRESS run on one; SUCCESS, FAILURE and REVOKED are final.
 */
public enum TaskState {
  /** Submitted, waiting for a worker. */
  PENDING,
  /** Leased to a worker, which has started it. */
  STARTED,
  /** Running and has reported progress. */
  PROGRESS,
  /** Finished with a result. */
  SUCCESS,
  /** Failed for good: the last attempt's error, a time limit, or retries used up. */
  FAILURE,
  /** An attempt failed (or its worker was lost); waits for its back-off before running again. */
  RETRY,
  /** Cancelled. */
  REVOKED;

  /** Waiting for a worker. */
  public boolean queued() {
    return this == PENDING || this == RETRY;
  }

  /** Leased to a worker. */
  public boolean running() {
    return this == STARTED || this == PROGRESS;
  }

  /** No further change will happen. */
  public boolean finished() {
    return this == SUCCESS || this == FAILURE || this == REVOKED;
  }

  /** Parses a state name (case-insensitive); the message lists the states. */
  public static TaskState parse(String text) {
    for (TaskState s : values()) {
      if (s.name().equalsIgnoreCase(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException("state must be one of PENDING, STARTED, PROGRESS, SUCCESS, FAILURE, RETRY, "
        + "REVOKED, got " + Quoted.text(text));
  }
}
