package io.conduit.task;

import io.vertx.core.Context;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One attempt running on this node: the handler's {@link TaskContext}. Progress is published at
 * once and written to the record coalesced (one write in flight, the latest report wins), so a
 * handler reporting every millisecond does not flood the cluster map.
 */
final class RunningTask implements TaskContext {

  private final TaskRecord started;
  private final Context context;
  private final TaskEvents events;
  private final Consumer<RunningTask> store;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicReference<TaskProgress> unstored = new AtomicReference<>();
  /** Reports so far: each is numbered, so that readers can order them whatever their steps say. */
  private final AtomicLong reports = new AtomicLong();
  private volatile String stopReason;
  private volatile TaskProgress latest;
  /** Event-loop only: a progress write is in flight. */
  boolean writing;
  /** Event-loop only: when progress was last written. */
  long lastWrite;
  /** Event-loop only: timers of this attempt. */
  long timeoutTimer = -1;
  /** The worker thread running the handler, while it runs (guarded by this). */
  private Thread runner;

  RunningTask(TaskRecord started, Context context, TaskEvents events, Consumer<RunningTask> store) {
    this.started = started;
    this.context = context;
    this.events = events;
    this.store = store;
  }

  TaskRecord started() {
    return started;
  }

  String leaseId() {
    return started.leaseId();
  }

  @Override
  public String id() {
    return started.id();
  }

  @Override
  public int attempt() {
    return started.attempts();
  }

  @Override
  public void progress(long current, long total, String message) {
    TaskProgress p = new TaskProgress(current, total, message, reports.incrementAndGet());
    latest = p;
    events.progress(started, p);
    if (unstored.getAndSet(p) == null) {
      context.runOnContext(v -> store.accept(this));
    }
  }

  /**
   * The last progress the handler reported, or null: the outcome is stored with it even when a
   * progress write that took it is still in flight (it would find the task finished and change nothing).
   */
  TaskProgress latest() {
    return latest;
  }

  /** The progress not yet written, taken (event loop). */
  TaskProgress takeUnstored() {
    return unstored.getAndSet(null);
  }

  boolean hasUnstored() {
    return unstored.get() != null;
  }

  @Override
  public boolean isCancelled() {
    return cancelled.get();
  }

  /**
   * Tells the handler to stop; the first reason wins ({@code cancel}, {@code timeout}, {@code lease}).
   * Its thread is interrupted too, as {@code Future.cancel(true)} does, so that a handler blocked
   * in a sleep, a wait or interruptible I/O stops without polling {@link #isCancelled()}.
   */
  void stop(String reason) {
    if (cancelled.compareAndSet(false, true)) {
      stopReason = reason;
      synchronized (this) {
        if (runner != null) {
          runner.interrupt();
        }
      }
    }
  }

  /** The handler starts on this (worker) thread: a stop from now on interrupts it. */
  synchronized void runsOn(Thread thread) {
    runner = thread;
    if (cancelled.get()) {
      thread.interrupt();
    }
  }

  /**
   * The handler returned, on its thread: no stop interrupts that thread any more, and an interrupt
   * that came as it returned is cleared, so the pool's next job does not inherit it.
   */
  synchronized void returned() {
    runner = null;
    Thread.interrupted();
  }

  /** Why the handler was told to stop, or null. */
  String stopReason() {
    return stopReason;
  }
}
