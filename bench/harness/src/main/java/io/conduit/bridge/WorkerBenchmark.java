package io.conduit.bridge;

import io.conduit.codec.mdp.Mdp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures requests per second through external Majordomo workers: an in-process bridge on a free
 * loopback port, 1 then 2 JeroMQ DEALER workers (a thread each, replying with the request body),
 * and event-bus callers keeping {@code window} requests outstanding. Each figure is the median of
 * three runs of {@code count} requests, after a warm-up.
 *
 * <pre>java -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.bridge.WorkerBenchmark [count] [window]</pre>
 */
public final class WorkerBenchmark {

  private static final int RUNS = 3;
  private static final int HEARTBEAT_MS = 500;

  private WorkerBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    Vertx vertx = Vertx.vertx();
    ZmqBridgeVerticle bridge = new ZmqBridgeVerticle();
    String endpoint = "tcp://127.0.0.1:" + freePort();
    vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(new JsonObject().put("endpoint", endpoint)
        .putNull("eventsEndpoint").put("heartbeatIntervalMs", HEARTBEAT_MS)))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    System.out.printf("external MDP workers (JeroMQ DEALER, echo) behind the bridge on %s: %d requests, %d outstanding,"
        + " median of %d runs, %d cores%n", endpoint, count, window, RUNS, Runtime.getRuntime().availableProcessors());
    List<EchoWorker> workers = new ArrayList<>();
    try {
      for (int n = 1; n <= 2; n++) {
        EchoWorker worker = new EchoWorker(endpoint);
        worker.start();
        workers.add(worker);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (bridge.stats().workers() != n && System.nanoTime() < deadline) {
          java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
        load(vertx, count / 5, window);
        double[] rates = new double[RUNS];
        for (int r = 0; r < RUNS; r++) {
          rates[r] = load(vertx, count, window);
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        System.out.printf("%d worker(s): %,.0f req/s (runs %s)%n", n, sorted[RUNS / 2],
            Arrays.stream(rates).mapToObj(x -> String.format("%,.0f", x)).toList());
      }
    } finally {
      workers.forEach(EchoWorker::halt);
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  /** Sends {@code count} event-bus requests to "bench.echo", {@code window} at a time; returns req/s. */
  private static double load(Vertx vertx, int count, int window) throws InterruptedException {
    Semaphore slots = new Semaphore(window);
    CountDownLatch done = new CountDownLatch(count);
    AtomicLong failures = new AtomicLong();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(30_000);
    String body = "x".repeat(100);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      slots.acquire();
      vertx.eventBus().request("bench.echo", body, options).onComplete(ar -> {
        if (ar.failed()) {
          failures.incrementAndGet();
        }
        slots.release();
        done.countDown();
      });
    }
    if (!done.await(5, TimeUnit.MINUTES) || failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " requests failed or the run did not finish in 5 minutes");
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** An MDP/0.1 worker for "bench.echo" on its own thread, replying with each request's body. */
  private static final class EchoWorker extends Thread {
    private final String endpoint;
    private volatile boolean running = true;

    EchoWorker(String endpoint) {
      super("mdp-bench-worker");
      setDaemon(true);
      this.endpoint = endpoint;
    }

    void halt() {
      running = false;
    }

    @Override
    public void run() {
      try (ZContext context = new ZContext(1)) {
        ZMQ.Socket socket = register(context);
        long nextHeartbeat = System.nanoTime();
        // A blocking receive with a timeout, not a Poller: JeroMQ's poller can spin on a socket's
        // stale signal bytes (see SocketLoop) and starve this worker's heartbeats.
        socket.setReceiveTimeOut(HEARTBEAT_MS / 2);
        while (running) {
          if (System.nanoTime() - nextHeartbeat >= 0) {
            socket.sendMore(new byte[0]);
            socket.sendMore(Mdp.WORKER);
            socket.send(new byte[] {Mdp.HEARTBEAT});
            nextHeartbeat = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MS);
          }
          List<byte[]> frames = receive(socket, 0);
          for (; frames != null; frames = receive(socket, ZMQ.DONTWAIT)) {
            if (frames.size() >= 6 && frames.get(2)[0] == Mdp.REQUEST) {
              socket.sendMore(new byte[0]);
              socket.sendMore(Mdp.WORKER);
              socket.sendMore(new byte[] {Mdp.REPLY});
              socket.sendMore(frames.get(3));
              socket.sendMore(new byte[0]);
              socket.send(frames.get(5));
              nextHeartbeat = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MS);
            }
          }
        }
      }
    }

    /** READY, proven by the bridge's first HEARTBEAT (a fresh JeroMQ socket sometimes never connects). */
    private ZMQ.Socket register(ZContext context) {
      for (int attempt = 0; attempt < 20; attempt++) {
        ZMQ.Socket socket = context.createSocket(SocketType.DEALER);
        socket.setLinger(0);
        socket.connect(endpoint);
        socket.sendMore(new byte[0]);
        socket.sendMore(Mdp.WORKER);
        socket.sendMore(new byte[] {Mdp.READY});
        socket.send("bench.echo");
        socket.setReceiveTimeOut(1_000);
        List<byte[]> first = receive(socket, 0);
        socket.setReceiveTimeOut(-1);
        if (first != null) {
          return socket;
        }
        context.destroySocket(socket);
      }
      throw new IllegalStateException("no HEARTBEAT after READY on 20 fresh sockets");
    }

    private static List<byte[]> receive(ZMQ.Socket socket, int flags) {
      byte[] first = socket.recv(flags);
      if (first == null) {
        return null;
      }
      List<byte[]> frames = new ArrayList<>(6);
      frames.add(first);
      while (socket.hasReceiveMore()) {
        frames.add(socket.recv(0));
      }
      return frames;
    }
  }
}
