package io.conduit.client;

import io.conduit.codec.cbp.CbpException;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Headers;
import io.conduit.codec.zmtp.SocketType;
import io.conduit.codec.zmtp.ZmtpSecurity;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.SocketAddress;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SUB side of a client: one connection to the bridge's XPUB, dialled on the first
 * subscription, subscribed once per address however many {@link Subscription}s share it.
 * Subscriptions travel as ZMTP 3.0 subscription messages ({@code 0x01 topic}, {@code 0x00 topic}),
 * which every XPUB understands, and are sent again whenever the connection comes back, as a SUB
 * socket does. ZeroMQ matches topics by prefix, so a delivery whose address frame is not exactly
 * a subscribed address is dropped here. Confined to the client's event loop.
 */
final class Events implements Connection.Handler {

  private static final System.Logger LOG = System.getLogger(Events.class.getName());

  private final Connection sub;
  private final Map<String, List<Subscription>> byAddress = new HashMap<>();

  Events(Vertx vertx, NetClient net, SocketAddress address, ZmtpSecurity security) {
    this.sub = new Connection(vertx, net, address, SocketType.SUB, security, this);
  }

  void add(Subscription s) {
    if (!s.isActive()) {
      return; // closed before it got here
    }
    sub.start();
    List<Subscription> list = byAddress.computeIfAbsent(s.address(), a -> new ArrayList<>());
    if (list.isEmpty()) {
      sub.send(subscription(true, s.address()));
    }
    list.add(s);
  }

  void remove(Subscription s) {
    List<Subscription> list = byAddress.get(s.address());
    if (list != null && list.remove(s) && list.isEmpty()) {
      byAddress.remove(s.address());
      sub.send(subscription(false, s.address()));
    }
  }

  void close() {
    sub.close();
  }

  @Override
  public void up() {
    sub.batch(() -> byAddress.keySet().forEach(a -> sub.send(subscription(true, a))));
  }

  @Override
  public void down(boolean wasUp) {
    // the connection redials by itself; up() subscribes again
  }

  @Override
  public void message(List<byte[]> frames, int frameCount, long size, boolean truncated) {
    if (truncated || frames.size() != 3) {
      LOG.log(System.Logger.Level.WARNING, "dropped an event of " + frameCount + " frames and " + size
          + " bytes (expected 3 frames" + (truncated ? ", within " + Connection.MAX_MESSAGE_BYTES + " bytes" : "") + ")");
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

  /** A ZMTP 3.0 subscription message: one frame, {@code 0x01} (subscribe) or {@code 0x00}, then the topic. */
  private static byte[][] subscription(boolean subscribe, String address) {
    byte[] topic = address.getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[topic.length + 1];
    frame[0] = (byte) (subscribe ? 1 : 0);
    System.arraycopy(topic, 0, frame, 1, topic.length);
    return new byte[][] {frame};
  }
}
