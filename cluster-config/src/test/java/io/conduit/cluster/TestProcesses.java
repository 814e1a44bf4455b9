package io.conduit.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process still runs, for tests that watch processes they did not start themselves (a
 * node's workers, a wrapper's child). {@link ProcessHandle#isAlive()} is true for a zombie: a
 * process that has exited but that no one has reaped yet. An orphan that exits is reaped by PID 1
 * whenever that gets to it, seconds later on some machines, so a test waiting for it to be gone
 * must look at its state. (This test jar is the one every module's tests share.)
 */
public final class TestProcesses {

  private TestProcesses() {
  }

  /** True while the process exists and has not exited (Linux: its state in /proc is not Z or X). */
  public static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // "pid (command) S ...": the state follows the last ')' (the command may hold one)
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return process.isAlive(); // no /proc (gone meanwhile, or not Linux): what the JDK says
    }
  }

  /** {@link #running(ProcessHandle)} for a pid. */
  public static boolean running(long pid) {
    return ProcessHandle.of(pid).map(TestProcesses::running).orElse(false);
  }
}
