package io.conduit.client;

import io.conduit.codec.cbp.CbpException;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Headers;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SUB side of a client: one SUB socket, opened on the first subscription, subscribed once per
 * address however many {@link Subscription}s share it. Confined to the I/O thread. ZeroMQ matches
 * topics by prefix, so a delivery whose address frame is not exactly a subscribed address is
 * dropped here.
 *
 * <p>A few percent of fresh JeroMQ connections stall in the handshake. The handshake timeout turns
 * that into a disconnect, but a JeroMQ SUB that reconnects this way never passes its subscriptions
 * on; so on a disconnect the SUB socket is replaced by a fresh one with the same subscriptions.
 */
final class Events {

  private static final System.Logger LOG = System.getLogger(Events.class.getName());
  private static final AtomicInteger MONITORS = new AtomicInteger();
  private static final int BATCH = 1000;

  private final ZContext context;
  private final String endpoint;
  private final CurveKeys curve;
  private final Map<String, List<Subscription>> byAddress = new HashMap<>();
  private ZMQ.Poller poller;
  private ZMQ.Socket sub;
  private ZMQ.Socket monitor;
  private ZMQ.PollItem subItem;
  private ZMQ.PollItem monitorItem;

  Events(ZContext context, String endpoint, CurveKeys curve) {
    this.context = context;
    this.endpoint = endpoint;
    this.curve = curve;
  }

  /** Registers the SUB socket in this poller once it exists; called once, on the I/O thread. */
  void attach(ZMQ.Poller loopPoller) {
    this.poller = loopPoller;
  }

  void add(Subscription s) {
    if (sub == null) {
      open();
    }
    List<Subscription> list = byAddress.computeIfAbsent(s.address(), a -> new ArrayList<>());
    if (list.isEmpty()) {
      sub.subscribe(s.address().getBytes(StandardCharsets.UTF_8));
    }
    list.add(s);
  }

  void remove(Subscription s) {
    List<Subscription> list = byAddress.get(s.address());
    if (list != null && list.remove(s) && list.isEmpty()) {
      byAddress.remove(s.address());
      sub.unsubscribe(s.address().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Delivers the messages waiting on the SUB socket (at most a batch) and heals a disconnected one. */
  void receive() {
    if (sub == null) {
      return;
    }
    if (disconnected()) {
      close();
      open();
      byAddress.keySet().forEach(a -> sub.subscribe(a.getBytes(StandardCharsets.UTF_8)));
      return;
    }
    for (int n = 0; n < BATCH; n++) {
      byte[] first = sub.recv(ZMQ.DONTWAIT);
      if (first == null) {
        return;
      }
      List<byte[]> frames = new ArrayList<>(3);
      frames.add(first);
      while (sub.hasReceiveMore()) {
        frames.add(sub.recv());
      }
      deliver(frames);
    }
  }

  private boolean disconnected() {
    boolean disconnected = false;
    ZMQ.Event event;
    while ((event = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT)) != null) {
      disconnected |= event.getEvent() == ZMQ.EVENT_DISCONNECTED;
    }
    return disconnected;
  }

  private void deliver(List<byte[]> frames) {
    if (frames.size() != 3) {
      LOG.log(System.Logger.Level.WARNING, "dropped an event of " + frames.size() + " frames (expected 3)");
      return;
    }
    List<Subscription> list = byAddress.get(new String(frames.get(0), StandardCharsets.UTF_8));
    if (list == null) {
      return; // a prefix match of a subscribed address, not the address itself
    }
    Map<String, String> headers;
    Object body;
    try {
      headers = Headers.parse(frames.get(1), CbpFrames.EMPTY);
      body = Payloads.decode(headers, frames.get(2));
    } catch (CbpException | ConduitException e) {
      LOG.log(System.Logger.Level.WARNING, "dropped an event that does not decode: " + e.getMessage());
      return;
    }
    for (Subscription s : List.copyOf(list)) {
      try {
        s.deliver(headers, body);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "the handler of a subscription to '" + s.address() + "' failed", e);
      }
    }
  }

  private void open() {
    sub = context.createSocket(SocketType.SUB);
    sub.setLinger(0);
    sub.setRcvHWM(100_000);
    sub.setHandshakeIvl(ClientLoop.HANDSHAKE_MS);
    if (curve != null) {
      curve.applyTo(sub);
    }
    String monitorEndpoint = "inproc://conduit-events-monitor-" + MONITORS.incrementAndGet();
    sub.monitor(monitorEndpoint, ZMQ.EVENT_DISCONNECTED);
    monitor = context.createSocket(SocketType.PAIR);
    monitor.connect(monitorEndpoint);
    sub.connect(endpoint);
    subItem = new ZMQ.PollItem(sub, ZMQ.Poller.POLLIN);
    monitorItem = new ZMQ.PollItem(monitor, ZMQ.Poller.POLLIN);
    poller.register(subItem);
    poller.register(monitorItem);
  }

  void close() {
    if (sub != null) {
      poller.unregister(sub);
      poller.unregister(monitor);
      context.destroySocket(sub);
      context.destroySocket(monitor);
      sub = null;
      monitor = null;
    }
  }
}
