package io.conduit.store.engine;

import java.util.BitSet;

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
    public BitSet processCpus() {
      return null;
    }

    @Override
    public boolean runOnlyOn(BitSet cpus) {
      return false;
    }
  };

  /** The CPU the calling thread runs on now, or -1 when that is not known here. Cheap, and never blocks. */
  int current();

  /**
   * The CPUs the process may run on (its first thread's set; bit n is CPU n), or null if unknown.
   * Not the calling thread's own: a thread started by one kept on a single CPU inherits that CPU alone.
   */
  BitSet processCpus();

  /** Lets the calling thread run on {@code cpus} only; false if refused. */
  boolean runOnlyOn(BitSet cpus);

  /** The set of the one CPU {@code cpu}. */
  static BitSet only(int cpu) {
    BitSet one = new BitSet();
    one.set(cpu);
    return one;
  }
}
