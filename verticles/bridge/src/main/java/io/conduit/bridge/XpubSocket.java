package io.conduit.bridge;

import io.conduit.codec.ErrorCode;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * XPUB semantics over the bridge's events connections: subscriptions as ZMTP 3.0 messages
 * ({@code 0x01 topic} / {@code 0x00 topic}) or 3.1 SUBSCRIBE/CANCEL commands, refused when the
 * access policy does not permit the topic, every (un)subscription passed on (as XPUB_VERBOSE
 * does), and events delivered by prefix match. A subscriber that does not read loses events (a
 * PUB socket's high-water mark) rather than holding the node's memory. Event-loop only.
 */
final class XpubSocket implements ZmtpListener.Handler {

  /** Told of every subscription and unsubscription, including those a closing connection leaves. */
  interface Subscriptions {
    void changed(String topic, boolean subscribed);
  }

  private static final System.Logger LOG = System.getLogger(XpubSocket.class.getName());
  /**
   * Distinct topics one connection may hold. Each is an event-bus consumer (a cluster-wide
   * registration) and a prefix every event is matched against; a SUB socket needs a handful.
   */
  static final int MAX_TOPICS_PER_CONNECTION = 1_000;

  private final AccessPolicy access;
  private final Subscriptions subscriptions;
  private final BridgeStats stats;
  /** Each ready peer's topics, with how many times it subscribed to each. */
  private final Map<ZmtpPeer, Map<String, Integer>> topics = new IdentityHashMap<>();
  private final ThrottledLog refusals = new ThrottledLog(LOG, Level.INFO, "more refused");

  XpubSocket(AccessPolicy access, Subscriptions subscriptions, BridgeStats stats) {
    this.access = access;
    this.subscriptions = subscriptions;
    this.stats = stats;
  }

  @Override
  public void ready(ZmtpPeer peer) {
    topics.put(peer, new HashMap<>());
  }

  @Override
  public void message(ZmtpPeer peer, List<byte[]> frames, int frameCount, long size, boolean truncated) {
    if (frames.size() != 1 || truncated) {
      return; // a SUB sends nothing but subscriptions; anything else is dropped, as XPUB does
    }
    byte[] m = frames.get(0);
    if (m.length > 0 && (m[0] == 0 || m[0] == 1)) {
      change(peer, new String(m, 1, m.length - 1, StandardCharsets.UTF_8), m[0] == 1);
    }
  }

  @Override
  public void subscription(ZmtpPeer peer, byte[] topic, boolean subscribe) {
    change(peer, new String(topic, StandardCharsets.UTF_8), subscribe);
  }

  @Override
  public void closed(ZmtpPeer peer) {
    Map<String, Integer> mine = topics.remove(peer);
    if (mine != null) {
      mine.forEach((topic, n) -> {
        for (int i = 0; i < n; i++) {
          subscriptions.changed(topic, false);
        }
      });
    }
  }

  /** Sends an event ({@code frames[0]} is its topic) to every subscriber whose subscriptions match it. */
  void publish(byte[][] frames) {
    String topic = new String(frames[0], StandardCharsets.UTF_8);
    for (Map.Entry<ZmtpPeer, Map<String, Integer>> e : topics.entrySet()) {
      if (matches(e.getValue(), topic)) {
        ZmtpPeer peer = e.getKey();
        if (peer.hasRoom()) {
          peer.send(frames, false, null);
        } else {
          stats.eventDropped();
        }
      }
    }
  }

  private static boolean matches(Map<String, Integer> subscribed, String topic) {
    if (subscribed.containsKey(topic)) {
      return true;
    }
    for (String prefix : subscribed.keySet()) {
      if (topic.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private void change(ZmtpPeer peer, String topic, boolean subscribe) {
    Map<String, Integer> mine = topics.get(peer);
    if (mine == null) {
      return;
    }
    if (subscribe) {
      AccessPolicy.Verdict verdict = access.maySubscribe(topic);
      if (!verdict.allowed()) {
        stats.error(ErrorCode.FORBIDDEN);
        refusals.log(() -> verdict.reason() + "; refused, so that subscriber receives nothing on it");
        return;
      }
      if (!mine.containsKey(topic) && mine.size() >= MAX_TOPICS_PER_CONNECTION) {
        stats.error(ErrorCode.OVERLOADED);
        refusals.log(() -> "refused a subscription to '" + topic + "': its connection already holds "
            + MAX_TOPICS_PER_CONNECTION + " topics, the most one connection may");
        return;
      }
      mine.merge(topic, 1, Integer::sum);
    } else {
      Integer n = mine.get(topic);
      if (n == null) {
        return;
      }
      if (n <= 1) {
        mine.remove(topic);
      } else {
        mine.put(topic, n - 1);
      }
    }
    subscriptions.changed(topic, subscribe);
  }
}
