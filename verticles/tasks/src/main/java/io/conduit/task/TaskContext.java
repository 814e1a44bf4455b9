package io.conduit.task;

/** What a running {@link TaskHandler} can ask of and tell the queue. Thread-safe. */
public interface TaskContext {

  /** The task's id. */
  String id();

  /** Which attempt this is: 1 for the first run, 2 after one retry or a lost worker, and so on. */
  int attempt();

  /**
   * Reports progress: stored with the task (the latest report wins) and published at once on
   * {@code <queue>.events} and {@code <queue>.events.<id>}. Cheap enough to call every step.
   */
  void progress(long current, long total, String message);

  /**
   * True once the task was cancelled, ran past its time limit, or lost its lease: the handler
   * should stop and return (or throw); whatever it returns then is discarded.
   */
  boolean isCancelled();
}
