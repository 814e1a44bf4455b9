package io.conduit.cluster;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An idle loop polls its handler without blocking for the spin time, then blocks; work or a task ends the spin. */
// the spin's clock stands still: a spin that missed its end would never return, nor heed an interrupt
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpinBeforeSleepTest {

  /** The loop's context: may block until {@code tasks} says a task came. */
  private static final class Loop implements IoHandlerContext {
    boolean tasks;

    @Override
    public boolean canBlock() {
      return !tasks;
    }

    @Override
    public long delayNanos(long currentTimeNanos) {
      return TimeUnit.SECONDS.toNanos(1);
    }

    @Override
    public long deadlineNanos() {
      return -1;
    }
  }

  /** A handler that records each run: whether it could block, and what it handled ({@code handled}'s answer to that). */
  private static final class Recording implements IoHandler {
    final List<Boolean> mayBlock = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    ToIntFunction<Boolean> handled = canBlock -> 0;
    int wakeups;

    @Override
    public int run(IoHandlerContext context) {
      mayBlock.add(context.canBlock());
      return handled.applyAsInt(context.canBlock());
    }

    @Override
    public void initialize() {
      calls.add("initialize");
    }

    @Override
    public void prepareToDestroy() {
      calls.add("prepareToDestroy");
    }

    @Override
    public void destroy() {
      calls.add("destroy");
    }

    @Override
    public IoRegistration register(IoHandle handle) {
      throw new UnsupportedOperationException("not used here");
    }

    @Override
    public void wakeup() {
      wakeups++;
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
      return handleType == IoHandle.class;
    }
  }

  /** The spin's clock: it stands still unless a test moves it, so that no test depends on the machine's pace. */
  private long now;

  private IoHandler spinning(Recording io, long micros) {
    return SpinBeforeSleep.wrap(executor -> io, micros, () -> now).newHandler(null);
  }

  @Test
  void aLoopWithTasksWaitingPollsOnceAsBefore() {
    Recording io = new Recording();
    Loop loop = new Loop();
    loop.tasks = true;
    assertEquals(0, spinning(io, 1_000).run(loop));
    assertEquals(List.of(false), io.mayBlock);
  }

  @Test
  void anIdleLoopPollsUntilItHandlesSomeIoAndNeverBlocks() {
    Recording io = new Recording();
    int[] polls = {0};
    io.handled = canBlock -> ++polls[0] == 5 ? 3 : 0;
    assertEquals(3, spinning(io, 1_000).run(new Loop()));
    assertEquals(List.of(false, false, false, false, false), io.mayBlock);
  }

  @Test
  void aTaskThatComesWhileItSpinsEndsTheSpinWithoutBlocking() {
    Recording io = new Recording();
    Loop loop = new Loop();
    int[] polls = {0};
    io.handled = canBlock -> {
      if (++polls[0] == 3) {
        loop.tasks = true; // another thread hands the loop a task (or a timer falls due)
      }
      return 0;
    };
    assertEquals(0, spinning(io, 1_000).run(loop));
    assertEquals(List.of(false, false, false), io.mayBlock);
  }

  @Test
  void withNothingToDoItBlocksOnceTheSpinIsOver() {
    Recording io = new Recording();
    now = Long.MAX_VALUE - 250_000; // the clock's wrap-around is no end of the spin
    io.handled = canBlock -> {
      now += 100_000;
      return 0;
    };
    assertEquals(0, spinning(io, 300).run(new Loop()));
    // polled at 0, 100 and 200 µs; at 300 the spin was over and it blocked
    assertEquals(List.of(false, false, false, true), io.mayBlock);
  }

  /**
   * A run that could block but returned at once with nothing handled did not sleep (NIO keeps a
   * wake-up that came during the spin): the next one blocks without spinning again, and the one
   * after a real sleep spins again.
   */
  @Test
  void afterAWakeUpLeftPendingItBlocksAtOnceAndSpinsAgainAfterARealSleep() {
    Recording io = new Recording();
    long[] blockingRuns = {1_000, 5_000_000}; // the first returns after 1 µs, the second after 5 ms
    int[] blocked = {0};
    io.handled = canBlock -> {
      now += canBlock ? blockingRuns[blocked[0]++] : 100_000;
      return 0;
    };
    IoHandler handler = spinning(io, 200);
    Loop loop = new Loop();
    handler.run(loop);
    assertEquals(List.of(false, false, true), io.mayBlock, "spun, then blocked");
    handler.run(loop);
    assertEquals(List.of(false, false, true, true), io.mayBlock, "blocked at once after a run that did not sleep");
    io.handled = canBlock -> {
      now += 100_000;
      return canBlock ? 0 : 1;
    };
    assertEquals(1, handler.run(loop));
    assertEquals(List.of(false, false, true, true, false), io.mayBlock, "spun again after a real sleep");
  }

  @Test
  void aRunThatHandledSomethingIsFollowedBySpinning() {
    Recording io = new Recording();
    IoHandler handler = spinning(io, 100);
    Loop loop = new Loop();
    io.handled = canBlock -> { // the spin finds nothing; the sleep is cut short by I/O at once
      if (!canBlock) {
        now += 100_000;
      }
      return canBlock ? 2 : 0;
    };
    assertEquals(2, handler.run(loop));
    assertEquals(2, handler.run(loop));
    assertEquals(List.of(false, true, false, true), io.mayBlock);
  }

  @Test
  void noSpinIsTheHandlerItselfAndASpinOutOfRangeIsRefused() {
    IoHandlerFactory plain = executor -> new Recording();
    assertSame(plain, SpinBeforeSleep.wrap(plain, 0));
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> SpinBeforeSleep.wrap(plain, SpinBeforeSleep.MAX_SPIN_MICROS + 1));
    assertEquals("the event loops' spin must be 0 to 1000 µs, not 1001", tooLong.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SpinningNio(-1));
    assertThrows(IllegalArgumentException.class, () -> IoUringReceiveRing.spinning(-1));
  }

  @Test
  void everythingElseGoesToTheWrappedHandler() throws Exception {
    Recording io = new Recording();
    IoHandler handler = spinning(io, 100);
    handler.initialize();
    handler.wakeup();
    assertEquals(1, io.wakeups);
    assertTrue(handler.isCompatible(IoHandle.class));
    assertFalse(handler.isCompatible(null));
    assertThrows(UnsupportedOperationException.class, () -> handler.register(null));
    handler.prepareToDestroy();
    handler.destroy();
    assertEquals(List.of("initialize", "prepareToDestroy", "destroy"), io.calls);
    IoHandlerFactory movable = new IoHandlerFactory() {
      @Override
      public IoHandler newHandler(io.netty.util.concurrent.ThreadAwareExecutor executor) {
        return io;
      }

      @Override
      public boolean isChangingThreadSupported() {
        return true;
      }
    };
    assertTrue(SpinBeforeSleep.wrap(movable, 100).isChangingThreadSupported());
    assertFalse(SpinBeforeSleep.wrap(executor -> io, 100).isChangingThreadSupported());
  }

  /**
   * On Vert.x's NIO loops that spin: a client that sends one line at a time gets every echo, also
   * after a timer has let the loops sleep; a task handed over from another thread runs.
   */
  @Test
  void nioLoopsThatSpinServeOneRequestAtATimeTimersAndTasks() throws Exception {
    SpinningNio nio = new SpinningNio(200);
    assertTrue(nio.implementation().ioHandlerFactory() instanceof SpinBeforeSleep);
    Vertx vertx = Vertx.builder().withTransport(nio).build();
    try {
      NetServer server = vertx.createNetServer().connectHandler(socket -> socket.handler(socket::write));
      int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
      // held in a variable: Vert.x closes a client (and its connections) that is no longer reachable
      NetClient net = vertx.createNetClient();
      NetSocket client = net.connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
      for (int i = 0; i < 300; i++) {
        CompletableFuture<Buffer> echoed = new CompletableFuture<>();
        client.handler(echoed::complete);
        String line = "line " + i;
        client.write(line);
        assertEquals(line, echoed.get(10, TimeUnit.SECONDS).toString());
        if (i % 100 == 0) {
          CompletableFuture<Void> timer = new CompletableFuture<>();
          vertx.setTimer(2, id -> timer.complete(null)); // the loop sleeps until it is due
          timer.get(10, TimeUnit.SECONDS);
        }
      }
      CompletableFuture<String> task = new CompletableFuture<>();
      vertx.getOrCreateContext().runOnContext(v -> task.complete(Thread.currentThread().getName()));
      assertTrue(task.get(10, TimeUnit.SECONDS).startsWith("vert.x-eventloop-thread"));
      net.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
