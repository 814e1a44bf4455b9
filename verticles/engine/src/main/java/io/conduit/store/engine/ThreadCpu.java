package io.conduit.store.engine;

/**
 * Which CPU the calling thread runs on, and which CPUs it may run on: what the writer thread needs
 * to keep itself on the CPU of the thread that hands it writes ({@link WriterPlacement}). Every
 * method but {@link #processCpus()} acts on the calling thread only.
 */
interface ThreadCpu {

  /** For systems where neither is known: the writer stays wherever the scheduler puts it. */
  ThreadCpu NONE = new ThreadCpu() {
    @Override
    public int current() {
      return -1;
    }

    @Override
    public long[] processCpus() {
      return null;
    }

    @Override
    public boolean runOnlyOn(long[] cpus) {
      return false;
    }
  };

  /** The CPU the calling thread runs on now, or -1 when that is not known here. Cheap, and never blocks. */
  int current();

  /**
   * The CPUs the process may run on (its first thread's set), as a bit set (CPU n is bit n % 64 of
   * word n / 64); null if unknown. Not the calling thread's own: a thread started by one kept on a
   * single CPU inherits that CPU alone.
   */
  long[] processCpus();

  /** Lets the calling thread run on {@code cpus} only (a bit set as {@link #processCpus()} gives); false if refused. */
  boolean runOnlyOn(long[] cpus);

  /** The bit set of the one CPU {@code cpu}, sized for {@code like}. */
  static long[] only(int cpu, long[] like) {
    long[] one = new long[Math.max(like.length, cpu / 64 + 1)];
    one[cpu / 64] = 1L << (cpu % 64);
    return one;
  }

  /** Whether {@code cpu} is in the bit set {@code cpus}. */
  static boolean contains(long[] cpus, int cpu) {
    return cpu >= 0 && cpu / 64 < cpus.length && (cpus[cpu / 64] & (1L << (cpu % 64))) != 0;
  }
}
