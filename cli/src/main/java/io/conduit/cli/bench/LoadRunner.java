package io.conduit.cli.bench;

import io.conduit.cli.CliFailure;
import org.zeromq.ZContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one {@link LoadSpec}: starts its {@link ClientWorker} threads (one per client, or fewer each
 * driving several sockets), lets all of them
 * warm up (a PING, with a fresh socket when one stalls), starts the clock, reports progress until
 * they finish or the time limit passes, and always stops the threads and closes the sockets.
 */
public final class LoadRunner {

  private static final long WARMUP_LIMIT_SECONDS = 30;

  private LoadRunner() {
  }

  /** What the runner and its workers share. */
  static final class Control {
    final CountDownLatch ready;
    final CountDownLatch go = new CountDownLatch(1);
    final CountDownLatch done;
    final AtomicBoolean stop = new AtomicBoolean();
    final LongAdder answered = new LongAdder();
    volatile long deadlineNanos;

    Control(int clients) {
      ready = new CountDownLatch(clients);
      done = new CountDownLatch(clients);
    }

    boolean stopped() {
      return stop.get() || System.nanoTime() - deadlineNanos >= 0;
    }

    /** Waits for the start; false when the run was called off. */
    boolean awaitGo() {
      try {
        go.await();
        return !stop.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** Runs the load against {@code spec.endpoint()}; {@code target} names it in the report. */
  public static LoadResult run(LoadSpec spec, String target, Progress progress) {
    return run(spec, BenchConnection.PLAIN, target, progress);
  }

  /** As above, the sockets connecting as {@code connection} says (CURVE keys, how long to wait for a first reply). */
  public static LoadResult run(LoadSpec spec, BenchConnection connection, String target, Progress progress) {
    int threadCount = spec.threadCount();
    Control control = new Control(threadCount);
    List<ClientWorker> workers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long start;
    try (ZContext context = QuietContext.create(Math.min(4, Math.max(1, spec.clients() / 2)))) {
      // JeroMQ's default of 1,024 sockets per context is below what --clients 1000 plus warm-up reopens need.
      context.getContext().setMaxSockets(spec.clients() * 2 + 64);
      try {
        for (int i = 0; i < threadCount; i++) {
          // thread i drives the sockets [first, next): the clients split as evenly as they go
          int first = (int) ((long) spec.clients() * i / threadCount);
          int next = (int) ((long) spec.clients() * (i + 1) / threadCount);
          ClientWorker w = new ClientWorker(context, spec, connection, first, next - first, control);
          Thread t = new Thread(w, "bench-" + target + "-" + i);
          t.setDaemon(true);
          workers.add(w);
          threads.add(t);
          t.start();
        }
        if (!control.ready.await(WARMUP_LIMIT_SECONDS, TimeUnit.SECONDS)) {
          control.stop.set(true);
        }
        start = System.nanoTime();
        control.deadlineNanos = start + spec.timeLimit().toNanos();
        control.go.countDown();
        progress.start(target, spec);
        long hardStop = control.deadlineNanos + ClientWorker.IDLE_LIMIT_NANOS;
        while (!control.done.await(200, TimeUnit.MILLISECONDS)) {
          progress.update(control.answered.sum(), System.nanoTime() - start);
          if (System.nanoTime() - hardStop > 0) {
            control.stop.set(true);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliFailure("interrupted");
      } finally {
        control.stop.set(true);
        control.go.countDown();
        for (Thread t : threads) {
          join(t);
        }
        progress.finish();
      }
    }
    return merge(spec, target, workers, start);
  }

  private static LoadResult merge(LoadSpec spec, String target, List<ClientWorker> workers, long start) {
    long ok = 0;
    long unanswered = 0;
    long end = start;
    int failed = 0;
    String failure = null;
    Map<String, Long> errors = new HashMap<>();
    List<long[]> samples = new ArrayList<>();
    for (ClientWorker w : workers) {
      ok += w.ok;
      unanswered += w.unanswered;
      end = Math.max(end, w.lastReplyNanos);
      w.errors.forEach((code, n) -> errors.merge(code, n, Long::sum));
      samples.add(w.latencies.values());
      if (w.failure != null) {
        failed++;
        failure = w.failure;
      }
    }
    if (failed == workers.size() && ok == 0 && errors.isEmpty()) {
      throw new CliFailure("no client got a reply from " + spec.endpoint() + " (" + failure + "); is a bridge running there?");
    }
    long[] all = samples.stream().flatMapToLong(java.util.Arrays::stream).toArray();
    String note = failed == 0 ? null : failed + " of " + workers.size() + " clients stopped early: " + failure;
    return new LoadResult(target, ok, errors, unanswered, end - start, Percentiles.of(all), note);
  }

  private static void join(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
