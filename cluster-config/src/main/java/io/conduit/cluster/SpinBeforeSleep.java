package io.conduit.cluster;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.util.function.LongSupplier;

/**
 * Event loops that look for work a while before they sleep: when a loop has run out of work it
 * polls its sockets (without waiting) and its task queue for up to the spin time, yielding the CPU
 * between polls, and only then waits in the kernel.
 *
 * <p>Why: a request that arrives while its loop sleeps must wake it, and on a virtual machine whose
 * idle vCPU halts (docs/benchmarks.md, "Warm-up") that wake-up goes through the hypervisor and costs
 * more than serving the request. A client that sends one request at a time sends the next a few
 * tens of microseconds after its reply, so a loop that polls that long takes it without a wake-up.
 * Between polls the loop yields: a thread that wakes on its CPU (a client's, a store's writer) runs
 * at once instead of waiting for the spinner to be preempted, which a plain spin made 14–22 %
 * slower for a JVM client on two cores. A loop under load rarely spins (it nearly always has work);
 * an idle one spins once after each wake-up (a timer), then sleeps.
 *
 * <p>Wraps any Netty I/O handler (NIO, io_uring): the handler is asked to run with a context that
 * says it may not block, which makes it poll, until it handles some I/O, a task arrives, or the
 * time is up.
 */
public final class SpinBeforeSleep implements IoHandlerFactory {

  /** The longest spin accepted: beyond it an idle loop mostly burns a CPU. */
  public static final long MAX_SPIN_MICROS = 1_000;

  /** A run that could block and returned sooner than this did not sleep (a wait in the kernel takes longer). */
  static final long WOKEN_AT_ONCE_NANOS = 20_000;

  private final IoHandlerFactory handlers;
  private final long spinNanos;
  private final LongSupplier clock;

  private SpinBeforeSleep(IoHandlerFactory handlers, long spinNanos, LongSupplier clock) {
    this.handlers = handlers;
    this.spinNanos = spinNanos;
    this.clock = clock;
  }

  /**
   * {@code handlers}' loops, spinning up to {@code spinMicros} (0 to {@value #MAX_SPIN_MICROS})
   * before they sleep; with 0 the factory itself, unchanged.
   */
  public static IoHandlerFactory wrap(IoHandlerFactory handlers, long spinMicros) {
    return wrap(handlers, spinMicros, System::nanoTime);
  }

  /** {@link #wrap(IoHandlerFactory, long)} on the given clock (nanoseconds). */
  static IoHandlerFactory wrap(IoHandlerFactory handlers, long spinMicros, LongSupplier clock) {
    return checked(spinMicros) == 0 ? handlers : new SpinBeforeSleep(handlers, spinMicros * 1_000, clock);
  }

  /** {@code spinMicros}, when it is 0 to {@value #MAX_SPIN_MICROS}; an IllegalArgumentException saying so otherwise. */
  public static long checked(long spinMicros) {
    if (spinMicros < 0 || spinMicros > MAX_SPIN_MICROS) {
      throw new IllegalArgumentException("the event loops' spin must be 0 to " + MAX_SPIN_MICROS + " µs, not "
          + spinMicros);
    }
    return spinMicros;
  }

  @Override
  public IoHandler newHandler(ThreadAwareExecutor executor) {
    return new Handler(handlers.newHandler(executor), spinNanos, clock);
  }

  @Override
  public boolean isChangingThreadSupported() {
    return handlers.isChangingThreadSupported();
  }

  /** One loop's handler: the wrapped one, asked to poll while the loop would otherwise sleep. */
  private static final class Handler implements IoHandler {

    private final IoHandler io;
    private final long spinNanos;
    private final LongSupplier clock;
    /** The loop's context as a polling one; a loop hands its handler the same context every time. */
    private Polling polling;
    /** False after a run that could block returned at once with nothing to do: then the next one blocks at once. */
    private boolean spin = true;

    Handler(IoHandler io, long spinNanos, LongSupplier clock) {
      this.io = io;
      this.spinNanos = spinNanos;
      this.clock = clock;
    }

    @Override
    public int run(IoHandlerContext context) {
      if (!context.canBlock()) {
        return io.run(context); // tasks are waiting: the loop polls anyway
      }
      if (spin) {
        if (polling == null || polling.context != context) {
          polling = new Polling(context);
        }
        long until = clock.getAsLong() + spinNanos;
        do {
          int handled = io.run(polling);
          if (handled > 0 || !context.canBlock()) {
            return handled; // I/O handled, or a task (or a due timer) came for the loop to run
          }
          Thread.yield();
        } while (clock.getAsLong() - until < 0);
      }
      long sleep = clock.getAsLong();
      int handled = io.run(context);
      // Returning at once with nothing handled, the loop did not sleep: a wake-up was left pending
      // (NIO keeps the one another thread sent while the loop spun). Spinning again would only
      // double the spin; sleep at once instead, and spin again after the next real wake-up.
      spin = handled > 0 || clock.getAsLong() - sleep >= WOKEN_AT_ONCE_NANOS;
      return handled;
    }

    @Override
    public void initialize() {
      io.initialize();
    }

    @Override
    public void prepareToDestroy() {
      io.prepareToDestroy();
    }

    @Override
    public void destroy() {
      io.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
      return io.register(handle);
    }

    @Override
    public void wakeup() {
      io.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
      return io.isCompatible(handleType);
    }
  }

  /** The loop's context, saying that the handler may not block: it polls and returns. */
  private record Polling(IoHandlerContext context) implements IoHandlerContext {

    @Override
    public boolean canBlock() {
      return false;
    }

    @Override
    public long delayNanos(long currentTimeNanos) {
      return 0;
    }

    @Override
    public long deadlineNanos() {
      return context.deadlineNanos();
    }

    @Override
    public void reportActiveIoTime(long activeNanos) {
      context.reportActiveIoTime(activeNanos);
    }

    @Override
    public boolean shouldReportActiveIoTime() {
      return context.shouldReportActiveIoTime();
    }
  }
}
