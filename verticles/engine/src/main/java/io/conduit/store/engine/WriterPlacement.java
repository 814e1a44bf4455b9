package io.conduit.store.engine;

import java.lang.System.Logger.Level;
import java.util.BitSet;
import java.util.Locale;

/**
 * Where the engine's writer thread runs: wherever the scheduler puts it, or kept on the CPU of the
 * thread that hands it writes (a store's event loop), following that thread when it moves.
 *
 * <p>Each group of writes is a hand-off to the writer and an acknowledgement back, and each wakes a
 * thread. Waking one on another CPU is the costly part where an idle CPU halts (a virtual machine's
 * vCPU: tens of microseconds through the hypervisor). On the loop's CPU the writer runs as soon as
 * the loop waits for its next events, and its acknowledgement wakes the loop without crossing CPUs.
 *
 * <p>That pays only while writes pile up: they come faster than the writer wakes, so it parks
 * between groups ({@link ArrivalPace}) and each group pays both wake-ups, and each group carries
 * several clients' writes. Writes that come one or two at a time are served better by a writer on
 * another CPU, which writes while the loop serves the other client, or spins for the next write;
 * kept on the loop's CPU it would do neither (it must not spin there: the loop it waits for could
 * not run). So by default ({@link Mode#FOLLOW}) the writer is kept on the loop's CPU while writes
 * come under {@link #KEEP_BELOW_NANOS} apart on average and groups average more than
 * {@link #MIN_WRITERS} writers, and let go once the gap grows past {@link #FREE_ABOVE_NANOS} or
 * groups average {@link #MIN_WRITERS} or fewer (between the two gaps it stays as it is, so that a
 * pace near the line does not move it back and forth). It follows the loop to another CPU once two
 * groups in a row came from there, so that a write from another thread now and then (a snapshot)
 * does not move it. {@link Mode#ANY} never moves it, and {@link RocksEngine} gives ANY to a writer
 * that waits for fsyncs, which dwarf the wake-ups. What it gained and cost, by number of clients:
 * bench/results/HISTORY.md ("Previous run: the RocksDB writer runs on the event loop's CPU while
 * writes pile up").
 *
 * <p>A thread started from the writer while it is kept (by a write's callback, which runs on it)
 * would start on that CPU alone, as Linux threads inherit their creator's CPUs; the stores hand
 * their callbacks to their own event loops, which start no thread. Let go, the writer may run on
 * the process's CPUs ({@link ThreadCpu#processCpus()}), not merely those it was started with.
 *
 * <p>Used by the writer thread only; {@link #keptOn()} and {@link #wantsSubmitterCpu()} may be
 * called from any thread.
 */
final class WriterPlacement {

  /** The system property that sets the {@link Mode} for every engine in the JVM. */
  static final String PROPERTY = "conduit.engine.writerCpu";

  /** Writes closer together than this, on average, may keep the writer on the loop's CPU: it parks between them. */
  static final long KEEP_BELOW_NANOS = ArrivalPace.SPIN_FLOOR_NANOS;
  /** Writes further apart than this, on average, let it go. */
  static final long FREE_ABOVE_NANOS = 70_000;
  /** Groups must carry more writers than this on average: one or two clients' writes are served better elsewhere. */
  static final int MIN_WRITERS = 2;

  enum Mode {
    /** On the CPU of the thread that hands over the writes while they pile up (the default). */
    FOLLOW,
    /** Wherever the scheduler puts it. */
    ANY;

    /** {@code follow} or {@code any}, any case; null means {@code follow}. */
    static Mode parse(String text) {
      if (text == null) {
        return FOLLOW;
      }
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(PROPERTY + " must be follow or any, not '" + text + "'", e);
      }
    }
  }

  private static final System.Logger LOG = System.getLogger(WriterPlacement.class.getName());

  /** Fixed point for the mean group size: 1,024 is one writer. */
  private static final int ONE = 1_024;
  /** More writers than this in one group count as this many: one big group must not outweigh eight small ones. */
  private static final int GROUP_CAP = 64;

  private final ThreadCpu cpus;
  /** Becomes {@link Mode#ANY} when the system refuses a placement. */
  private volatile Mode mode;
  /** The CPUs the writer may run on when free: the process's, read when it is first kept. */
  private BitSet free;
  private volatile int keptOn = -1;
  /** While kept: another CPU the last group came from, which the next must confirm; -1 if none. */
  private int movingTo = -1;
  /** Writers per group, weighted to the last eight or so groups, in 1/1,024ths. */
  private int meanWriters = ONE;

  WriterPlacement(Mode mode, ThreadCpu cpus) {
    this.mode = mode;
    this.cpus = cpus;
  }

  /** Whether the threads that hand over writes should say on which CPU ({@link #submitterCpu()}). */
  boolean wantsSubmitterCpu() {
    return mode != Mode.ANY && cpus != ThreadCpu.NONE;
  }

  /** For a thread handing over a write: the CPU it runs on, or -1 when the placement does not follow it. */
  int submitterCpu() {
    return wantsSubmitterCpu() ? cpus.current() : -1;
  }

  /**
   * A group of {@code writers} writers' batches is about to be written; its last batch was handed
   * over on {@code cpu} (-1 if unknown), and writes have lately come {@code meanGapNanos} apart
   * ({@link ArrivalPace#meanGapNanos()}). Moves the calling (writer) thread if its placement changes.
   */
  void group(int cpu, long meanGapNanos, int writers) {
    if (mode == Mode.ANY || cpu < 0) {
      return;
    }
    // shifted, not divided: rounding down, the mean reaches a smaller target from above (groups of
    // two after groups of eight let the writer go) and stays under a target it nears from below
    meanWriters += (Math.min(Math.max(writers, 1), GROUP_CAP) * ONE - meanWriters) >> 3;
    if (meanWriters <= MIN_WRITERS * ONE || meanGapNanos > FREE_ABOVE_NANOS) {
      letGo();
    } else if (keptOn >= 0) {
      follow(cpu);
    } else if (meanGapNanos < KEEP_BELOW_NANOS) {
      keep(cpu);
    }
  }

  /**
   * Whether the writer may spin waiting for its next batch: not while kept on the CPU of the thread
   * it waits for, which could not run meanwhile. (A free writer that the scheduler put there may: a
   * woken loop preempts it, and refusing to spin there cost one client's writes 7 % here.)
   */
  boolean maySpin() {
    return keptOn < 0;
  }

  /** The CPU the writer is kept on, or -1 when it runs wherever the scheduler puts it. */
  int keptOn() {
    return keptOn;
  }

  /** Kept: moves with the loop once two groups in a row came from the same other CPU. */
  private void follow(int cpu) {
    if (cpu == keptOn) {
      movingTo = -1;
    } else if (cpu != movingTo) {
      movingTo = cpu;
    } else {
      movingTo = -1;
      keep(cpu);
    }
  }

  private void keep(int cpu) {
    if (free == null) {
      free = cpus.processCpus();
      if (free == null) {
        giveUp("the CPUs this process may use cannot be read");
        return;
      }
    }
    if (!free.get(cpu)) {
      return; // a thread running where this process may not: nothing to follow there
    }
    if (cpus.runOnlyOn(ThreadCpu.only(cpu))) {
      keptOn = cpu;
    } else {
      giveUp("the writer cannot be kept on CPU " + cpu);
    }
  }

  private void letGo() {
    if (keptOn < 0) {
      return;
    }
    // Moved off the loop's CPU first: let go there, it would stay (the scheduler tends to leave a
    // thread where it runs) and spin where the loop it waits for cannot run.
    BitSet elsewhere = (BitSet) free.clone();
    elsewhere.clear(keptOn);
    boolean moved = !elsewhere.isEmpty() && cpus.runOnlyOn(elsewhere);
    boolean freed = cpus.runOnlyOn(free);
    if (moved || freed) {
      keptOn = -1; // no longer on the loop's CPU alone, whatever the second call did
      movingTo = -1;
    }
    if (!freed) {
      giveUp("the writer cannot be let run on all of this process's CPUs again");
    }
  }

  /** The system refused a placement: from now on the scheduler decides. */
  private void giveUp(String why) {
    LOG.log(Level.WARNING, "{0}; it runs wherever the scheduler puts it from now on", why);
    mode = Mode.ANY;
    if (keptOn >= 0 && cpus.runOnlyOn(free)) {
      keptOn = -1;
    }
  }
}
