package io.conduit.bridge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ROUTER semantics over the bridge's request connections: each connection gets a routing id (the
 * Identity its peer announced when that is unique, else a generated one, as libzmq does), replies
 * are routed by it, and a REQ peer's empty delimiter frame is noted so that it goes back in front
 * of the reply. Event-loop only.
 */
final class RouterSocket implements ZmtpListener.Handler {

  /** Where the ROUTER's traffic goes. */
  interface Inbox {
    void received(ZmtpPeer from, boolean delimited, List<byte[]> frames, int frameCount, long size,
                  boolean truncated);

    /** A peer with this routing id disconnected. */
    void gone(byte[] identity);
  }

  private final Inbox inbox;
  private final Map<String, ZmtpPeer> byKey = new HashMap<>();
  private int nextId = ThreadLocalRandom.current().nextInt();

  RouterSocket(Inbox inbox) {
    this.inbox = inbox;
  }

  static String key(byte[] identity) {
    return new String(identity, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void ready(ZmtpPeer peer) {
    byte[] wanted = peer.zmtp().peer().identity();
    // libzmq reserves identities that start with a zero byte for the ones it generates
    if (wanted == null || wanted.length == 0 || wanted[0] == 0 || byKey.containsKey(key(wanted))) {
      do {
        wanted = ByteBuffer.allocate(5).put((byte) 0).putInt(nextId++).array();
      } while (byKey.containsKey(key(wanted)));
    }
    String key = key(wanted);
    peer.route(wanted, key);
    byKey.put(key, peer);
  }

  @Override
  public void message(ZmtpPeer peer, List<byte[]> frames, int frameCount, long size, boolean truncated) {
    boolean delimited = !frames.isEmpty() && frames.get(0).length == 0;
    if (delimited) {
      frames = frames.subList(1, frames.size());
      frameCount--;
    }
    inbox.received(peer, delimited, frames, frameCount, size, truncated);
  }

  @Override
  public void closed(ZmtpPeer peer) {
    if (peer.key() != null && byKey.get(peer.key()) == peer) {
      byKey.remove(peer.key());
      inbox.gone(peer.identity());
    }
  }

  /** The connection with this routing id, or null when it is gone. */
  ZmtpPeer peer(byte[] identity) {
    return byKey.get(key(identity));
  }

  int size() {
    return byKey.size();
  }
}
