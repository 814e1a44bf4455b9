package io.conduit.client;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.cbp.CbpException;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.CbpReply;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's I/O thread: it alone touches the ZeroMQ sockets (a DEALER for requests, a SUB for
 * events). Callers hand it work through a lock-free queue and wake it with one byte on a
 * {@link Pipe} that sits in the same poller, written only when the queue goes from empty to
 * non-empty. It is stopped by a message, never by interrupting it (JeroMQ is not interrupt-safe).
 */
final class ClientLoop implements Runnable {

  private static final System.Logger LOG = System.getLogger(ClientLoop.class.getName());
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final int BATCH = 1000;
  /** Handshake timeout: a connection whose handshake stalls (a JeroMQ fault) is dropped and redialled. */
  static final int HANDSHAKE_MS = 1000;

  private final String endpoint;
  private final ClientOptions options;
  private final ZContext context = new ZContext(1);
  private final Queue<Object> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final Pipe wake;
  private final Thread thread;
  private volatile boolean terminated;

  // Confined to the I/O thread.
  private final InFlight inFlight = new InFlight();
  private final ArrayDeque<Call> backlog = new ArrayDeque<>();
  private final Events events;
  private final ByteBuffer wakeBytes = ByteBuffer.allocate(64);
  private ZMQ.Poller poller;
  private ZMQ.PollItem wakeItem;
  private ZMQ.Socket dealer;
  private ZMQ.PollItem dealerItem;
  private boolean stopping;
  private boolean sendBlocked;

  private ClientLoop(String endpoint, ClientOptions options) {
    this.endpoint = endpoint;
    this.options = options;
    String eventsEndpoint = options.eventsEndpointFor(endpoint);
    this.events = eventsEndpoint == null ? null : new Events(context, eventsEndpoint, options.curve());
    try {
      wake = Pipe.open();
      wake.source().configureBlocking(false);
    } catch (IOException e) {
      context.close();
      throw new UncheckedIOException("could not open the client's wake-up pipe", e);
    }
    thread = new Thread(this, "conduit-client-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
  }

  /** Opens the DEALER on {@code endpoint} and starts the I/O thread. */
  static ClientLoop start(String endpoint, ClientOptions options) {
    ClientLoop loop = new ClientLoop(endpoint, options);
    try {
      loop.openDealer(); // connect errors (a bad endpoint) surface here, on the caller's thread
    } catch (RuntimeException e) {
      loop.shutDown();
      throw new IllegalArgumentException("cannot connect to '" + endpoint + "': " + e.getMessage(), e);
    }
    loop.thread.start();
    return loop;
  }

  boolean hasEvents() {
    return events != null;
  }

  // ---- called from any thread ----

  void submit(Call call) {
    post(call);
  }

  void subscribe(Subscription s) {
    post((Runnable) () -> events.add(s));
  }

  void unsubscribe(Subscription s) {
    post((Runnable) () -> events.remove(s));
  }

  /** Closes the DEALER and connects a fresh one (the remedy for a socket that never gets replies). */
  void replaceDealer() {
    post((Runnable) () -> {
      poller.unregister(dealer);
      context.destroySocket(dealer);
      openDealer();
      poller.register(dealerItem);
    });
  }

  /** Asks the thread to stop and waits up to {@code wait} for it; outstanding calls fail with UNAVAILABLE. */
  void stop(Duration wait) {
    post((Runnable) () -> stopping = true);
    if (!isLoopThread()) {
      try {
        thread.join(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  boolean isLoopThread() {
    return Thread.currentThread() == thread;
  }

  private void post(Object work) {
    inbox.add(work);
    if (terminated) {
      failInbox();
      return;
    }
    if (wakePending.compareAndSet(false, true)) {
      try {
        wake.sink().write(ByteBuffer.wrap(new byte[] {1}));
      } catch (IOException e) {
        failInbox(); // the pipe is closed: the loop has ended
      }
    }
  }

  // ---- the I/O thread ----

  @Override
  public void run() {
    try {
      poller = context.createPoller(4);
      wakeItem = new ZMQ.PollItem(wake.source(), ZMQ.Poller.POLLIN);
      poller.register(wakeItem);
      poller.register(dealerItem);
      if (events != null) {
        events.attach(poller);
      }
      while (!stopping) {
        poller.poll(pollTimeout());
        if (wakeItem.isReadable()) {
          drainWakeBytes();
        }
        drainInbox();
        receiveReplies();
        if (events != null) {
          events.receive();
        }
        sendBacklog();
        inFlight.expire(System.nanoTime());
      }
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.ERROR, "the Conduit client's I/O thread failed; the client is closed", e);
    } finally {
      shutDown();
    }
  }

  private long pollTimeout() {
    if (sendBlocked) {
      return 1;
    }
    return inFlight.millisToNextDeadline(System.nanoTime());
  }

  private void drainWakeBytes() {
    try {
      wakeBytes.clear();
      while (wake.source().read(wakeBytes) > 0) {
        wakeBytes.clear();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Cleared before the inbox is drained, so work added from now on writes a new byte.
    wakePending.set(false);
  }

  private void drainInbox() {
    Object work;
    while ((work = inbox.poll()) != null) {
      if (work instanceof Call call) {
        inFlight.add(call);
        backlog.addLast(call);
      } else {
        ((Runnable) work).run();
      }
    }
  }

  private void sendBacklog() {
    sendBlocked = false;
    Call call;
    while (inFlight.sent() < options.maxInFlight() && (call = backlog.peekFirst()) != null) {
      if (!inFlight.contains(call)) {
        backlog.pollFirst(); // timed out while waiting for room
        continue;
      }
      if (!dealer.send(call.frames[0], ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
        sendBlocked = true; // high-water mark reached; retry shortly
        return;
      }
      for (int i = 1; i < call.frames.length; i++) {
        dealer.send(call.frames[i], i < call.frames.length - 1 ? ZMQ.SNDMORE : 0);
      }
      backlog.pollFirst();
      inFlight.markSent(call);
    }
  }

  private void receiveReplies() {
    for (int n = 0; n < BATCH; n++) {
      byte[] first = dealer.recv(ZMQ.DONTWAIT);
      if (first == null) {
        return;
      }
      List<byte[]> frames = new ArrayList<>(5);
      frames.add(first);
      while (dealer.hasReceiveMore()) {
        frames.add(dealer.recv());
      }
      complete(frames);
    }
  }

  private void complete(List<byte[]> frames) {
    CbpReply reply;
    try {
      reply = CbpFrames.parseReply(frames);
    } catch (CbpException e) {
      Call call = frames.size() > 2 ? inFlight.remove(RequestIds.decode(frames.get(2))) : null;
      if (call != null) {
        call.future.completeExceptionally(ConduitException.local(ErrorCode.INTERNAL,
            "the bridge's reply to " + call.describe() + " is malformed: " + e.getMessage(), null));
      } else {
        LOG.log(System.Logger.Level.WARNING, "dropped a malformed reply from " + endpoint + ": " + e.getMessage());
      }
      return;
    }
    Call call = inFlight.remove(RequestIds.decode(reply.id()));
    if (call == null) {
      return; // answered after its timeout, or not ours
    }
    if (!reply.ok()) {
      call.future.completeExceptionally(ConduitException.fromErrorBody(reply.errorCode(), reply.errorBody()));
      return;
    }
    try {
      call.future.complete(new Reply(reply.headers(), Payloads.decode(reply.headers(), reply.body())));
    } catch (ConduitException e) {
      call.future.completeExceptionally(e);
    }
  }

  private void openDealer() {
    dealer = context.createSocket(SocketType.DEALER);
    dealer.setLinger(0);
    int hwm = Math.max(1000, options.maxInFlight() + 100);
    dealer.setSndHWM(hwm);
    dealer.setRcvHWM(hwm);
    dealer.setHandshakeIvl(HANDSHAKE_MS);
    if (options.curve() != null) {
      options.curve().applyTo(dealer);
    }
    dealer.connect(endpoint);
    dealerItem = new ZMQ.PollItem(dealer, ZMQ.Poller.POLLIN);
  }

  private void shutDown() {
    terminated = true;
    inFlight.failAll(ErrorCode.UNAVAILABLE, "the client was closed before a reply arrived");
    backlog.clear();
    failInbox();
    try {
      if (events != null) {
        events.close();
      }
      if (poller != null) {
        poller.close();
      }
      context.close();
    } finally {
      try {
        wake.sink().close();
        wake.source().close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the wake-up pipe failed", e);
      }
    }
  }

  /** Fails work that arrived after the loop ended; callable from any thread. */
  private void failInbox() {
    Object work;
    while ((work = inbox.poll()) != null) {
      if (work instanceof Call call) {
        call.future.completeExceptionally(ConduitException.local(ErrorCode.UNAVAILABLE, "the client is closed", null));
      }
    }
  }
}
