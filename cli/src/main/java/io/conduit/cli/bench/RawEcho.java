package io.conduit.cli.bench;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A plain JeroMQ ROUTER that sends every message back unchanged (identity and all frames), on a
 * free loopback port: the baseline the bridge is compared with.
 * <p>
 * {@link #withHandOffs()} builds the same echo with the two thread hand-offs the bridge's threading
 * design asks for and nothing else (no Vert.x, no decoding): the socket thread passes each message
 * to a second thread, which passes it back through a queue plus an inproc wake-up message into the
 * same ROUTER, as {@code SocketLoop} does. It shows what those hand-offs alone cost on a machine.
 */
public final class RawEcho implements AutoCloseable {

  private static final byte[] WAKER = "raw-echo-waker".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final long IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final ZContext context = QuietContext.create(1);
  private final ZMQ.Socket router;
  private final String endpoint;
  private final Thread thread;
  private final HandOff handOff;
  private volatile boolean stopping;

  private RawEcho(boolean withHandOffs) {
    router = context.createSocket(SocketType.ROUTER);
    router.setLinger(0);
    router.setSndHWM(1_000_000);
    router.setRcvHWM(1_000_000);
    router.setReceiveTimeOut(100);
    router.bind("tcp://127.0.0.1:*");
    endpoint = router.getLastEndpoint();
    handOff = withHandOffs ? new HandOff() : null;
    thread = new Thread(withHandOffs ? handOff::socketThread : this::echo, "raw-echo");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts an echo server on a free port of 127.0.0.1. */
  public static RawEcho start() {
    return new RawEcho(false);
  }

  /** Starts an echo whose messages take the bridge's two thread hand-offs (see the class comment). */
  public static RawEcho withHandOffs() {
    return new RawEcho(true);
  }

  public String endpoint() {
    return endpoint;
  }

  private void echo() {
    while (!stopping) {
      byte[] frame = router.recv(0); // returns null every 100 ms without traffic, to see `stopping`
      if (frame == null) {
        continue;
      }
      boolean more = router.hasReceiveMore();
      router.send(frame, more ? ZMQ.SNDMORE : 0);
      while (more) {
        frame = router.recv(0);
        more = router.hasReceiveMore();
        router.send(frame, more ? ZMQ.SNDMORE : 0);
      }
    }
  }

  /** The second thread and the queues between it and the socket thread. */
  private final class HandOff {
    private final Queue<List<byte[]>> toWorker = new ConcurrentLinkedQueue<>();
    private final Queue<List<byte[]>> back = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final ZMQ.Socket waker;
    private final Thread worker;

    HandOff() {
      String wakeEndpoint = "inproc://raw-echo-wake-" + System.identityHashCode(this);
      router.bind(wakeEndpoint);
      waker = context.createSocket(SocketType.DEALER);
      waker.setLinger(0);
      waker.setIdentity(WAKER);
      waker.connect(wakeEndpoint); // used by the worker thread alone from here on
      worker = new Thread(this::work, "raw-echo-worker");
      worker.setDaemon(true);
      worker.start();
    }

    void socketThread() {
      while (!stopping) {
        List<byte[]> message;
        while ((message = back.poll()) != null) {
          for (int i = 0; i < message.size(); i++) {
            router.send(message.get(i), i < message.size() - 1 ? ZMQ.SNDMORE : 0);
          }
        }
        wakePending.set(false); // before looking again, so a reply queued from now on sends a wake-up
        if (!back.isEmpty()) {
          continue;
        }
        byte[] identity = router.recv(0);
        if (identity == null) {
          continue;
        }
        List<byte[]> frames = new ArrayList<>(8);
        frames.add(identity);
        while (router.hasReceiveMore()) {
          frames.add(router.recv(0));
        }
        if (!Arrays.equals(identity, WAKER)) {
          toWorker.add(frames);
          LockSupport.unpark(worker);
        }
      }
      LockSupport.unpark(worker);
    }

    private void work() {
      while (!stopping) {
        List<byte[]> message = toWorker.poll();
        if (message == null) {
          LockSupport.parkNanos(IDLE_CHECK_NANOS);
          continue;
        }
        back.add(message);
        if (wakePending.compareAndSet(false, true)) {
          waker.send(new byte[0]);
        }
      }
    }
  }

  @Override
  public void close() {
    stopping = true;
    try {
      thread.join(5_000);
      if (handOff != null) {
        handOff.worker.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    context.close();
  }
}
