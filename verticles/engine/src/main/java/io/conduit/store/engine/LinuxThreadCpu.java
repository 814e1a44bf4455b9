package io.conduit.store.engine;

import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.BitSet;

/**
 * {@link ThreadCpu} on 64-bit Linux: the C library's {@code sched_getcpu}, {@code sched_getaffinity}
 * and {@code sched_setaffinity}, called through JNA; the JDK has an API for none of them.
 * {@code sched_getcpu} reads what the kernel keeps for the thread (on x86-64 without a system call),
 * so it may run on an event loop.
 */
final class LinuxThreadCpu implements ThreadCpu {

  private static final System.Logger LOG = System.getLogger(LinuxThreadCpu.class.getName());

  /** Words in a CPU set: 1,024 CPUs, glibc's {@code cpu_set_t}. */
  private static final int SET_WORDS = 16;

  private static volatile ThreadCpu loaded;

  /** The functions, bound once; a class of their own so that a failed bind leaves this one usable. */
  private static final class Libc {
    static {
      Native.register(Libc.class, Platform.C_LIBRARY_NAME);
    }

    static native int sched_getcpu();

    static native int sched_getaffinity(int pid, long size, long[] mask);

    static native int sched_setaffinity(int pid, long size, long[] mask);

    static native int getpid();
  }

  private LinuxThreadCpu() {
  }

  /**
   * This system's {@link ThreadCpu}, or {@link ThreadCpu#NONE} where the functions cannot be called
   * (not 64-bit Linux, or JNA or its native part does not load): said once in the log. Loads a
   * native library on first use, so call it where blocking is allowed.
   */
  static ThreadCpu load() {
    ThreadCpu cpu = loaded;
    if (cpu == null) {
      synchronized (LinuxThreadCpu.class) {
        cpu = loaded;
        if (cpu == null) {
          cpu = bind();
          loaded = cpu;
        }
      }
    }
    return cpu;
  }

  private static ThreadCpu bind() {
    try {
      if (!Platform.isLinux() || !Platform.is64Bit()) {
        LOG.log(Level.DEBUG, "no thread placement on {0}/{1}: 64-bit Linux only", System.getProperty("os.name"),
            System.getProperty("os.arch"));
        return NONE;
      }
      LinuxThreadCpu cpu = new LinuxThreadCpu();
      if (cpu.current() < 0) {
        LOG.log(Level.INFO, "no thread placement: this system does not say which CPU a thread runs on");
        return NONE;
      }
      if (cpu.processCpus() == null) {
        LOG.log(Level.INFO, "no thread placement: the CPUs this process may use cannot be read (more than "
            + SET_WORDS * 64 + " CPUs?)");
        return NONE;
      }
      return cpu;
    } catch (LinkageError | RuntimeException e) {
      LOG.log(Level.INFO, "no thread placement: JNA cannot call the C library here ({0})", e.toString());
      return NONE;
    }
  }

  @Override
  public int current() {
    return Libc.sched_getcpu();
  }

  @Override
  public BitSet processCpus() {
    long[] set = new long[SET_WORDS];
    return Libc.sched_getaffinity(Libc.getpid(), SET_WORDS * 8L, set) == 0 ? BitSet.valueOf(set) : null;
  }

  @Override
  public boolean runOnlyOn(BitSet cpus) {
    long[] words = cpus.toLongArray(); // as long as its highest CPU needs: at least a cpu_set_t's size
    long[] set = Arrays.copyOf(words, Math.max(words.length, SET_WORDS));
    return Libc.sched_setaffinity(0, set.length * 8L, set) == 0;
  }
}
