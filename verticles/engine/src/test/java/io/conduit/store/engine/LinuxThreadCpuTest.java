package io.conduit.store.engine;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against the real kernel: this suite runs on 64-bit Linux, where the calls must be bound. */
class LinuxThreadCpuTest {

  /** Runs {@code body} on a thread of its own, so that no test thread is left kept on one CPU. */
  private static void onOwnThread(Runnable body) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        body.run();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "thread-cpu-test");
    t.start();
    done.get(30, TimeUnit.SECONDS);
  }

  @Test
  void aThreadKeptOnOneCpuRunsThereAndMayRunEverywhereAgainAfter() throws Exception {
    ThreadCpu cpus = LinuxThreadCpu.load();
    assertNotSame(ThreadCpu.NONE, cpus, "the C library's placement calls are not bound on this Linux");
    onOwnThread(() -> {
      BitSet all = cpus.processCpus();
      assertNotNull(all);
      int now = cpus.current();
      assertTrue(all.get(now), "runs on CPU " + now + ", outside the process's set");
      int first = all.nextSetBit(0);
      int last = all.length() - 1;
      for (int cpu : new int[] {last, first, last}) {
        assertTrue(cpus.runOnlyOn(ThreadCpu.only(cpu)));
        assertEquals(cpu, cpus.current(), "the kernel moves a thread off a CPU it may no longer use at once");
      }
      assertTrue(cpus.runOnlyOn(all));
      assertEquals(all, cpus.processCpus(), "the process's set is not the thread's");
    });
  }

  @Test
  void aCpuTheMachineDoesNotHaveIsRefused() throws Exception {
    ThreadCpu cpus = LinuxThreadCpu.load();
    onOwnThread(() -> {
      BitSet all = cpus.processCpus();
      int now = cpus.current();
      assertTrue(cpus.runOnlyOn(ThreadCpu.only(now)));
      assertFalse(cpus.runOnlyOn(ThreadCpu.only(1_023)));
      assertEquals(now, cpus.current(), "a refused set changes nothing");
      assertTrue(cpus.runOnlyOn(all));
    });
  }
}
