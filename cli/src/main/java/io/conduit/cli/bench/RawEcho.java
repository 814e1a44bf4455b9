package io.conduit.cli.bench;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A plain JeroMQ ROUTER that sends every message back unchanged (identity and all frames), on a
 * free loopback port: the baseline the bridge is compared with.
 */
public final class RawEcho implements AutoCloseable {

  private final ZContext context = new ZContext(1);
  private final ZMQ.Socket router;
  private final Thread thread;
  private volatile boolean stopping;

  private RawEcho() {
    router = context.createSocket(SocketType.ROUTER);
    router.setLinger(0);
    router.setSndHWM(1_000_000);
    router.setRcvHWM(1_000_000);
    router.setReceiveTimeOut(100);
    router.bind("tcp://127.0.0.1:*");
    thread = new Thread(this::echo, "raw-echo");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts an echo server on a free port of 127.0.0.1. */
  public static RawEcho start() {
    return new RawEcho();
  }

  public String endpoint() {
    return router.getLastEndpoint();
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

  @Override
  public void close() {
    stopping = true;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    context.close();
  }
}
