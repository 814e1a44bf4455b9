package io.conduit.bridge;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the other nodes of the cluster a {@code PUBLISH} reached still owe its bridge: a receipt
 * from each of their handlers. The bridge learns which nodes it reached from its event bus (the
 * answer may come after the publish leaves), and how many handlers each has there from that
 * node's first receipt. A node that has not answered is also let off when it is no longer listed
 * for the address, when it left the cluster, or when it has answered in full for a later publish
 * to the same address: each handler takes its messages in the order they came, so it has passed
 * this one (and a handler counted that got no copy of this one, registered or removed meanwhile,
 * owes nothing). Confined to the bridge instance's event loop.
 */
final class PublishReach {

  final String address;
  final long sinceNanos;
  /** True until the event bus has said which other nodes it reached. */
  private boolean asking = true;
  /** Nodes it reached that have not answered yet (null while asking). */
  private Set<String> unheard;
  /** Receipts still owed by each node that has answered. */
  private Map<String, Integer> owed;
  private int nodesOwing;

  PublishReach(String address, long sinceNanos) {
    this.address = address;
    this.sinceNanos = sinceNanos;
  }

  boolean asking() {
    return asking;
  }

  /** The event bus's answer: the other nodes the publish reached (those that answered already are not waited for). */
  void reached(Collection<String> nodes) {
    asking = false;
    unheard = new HashSet<>(nodes);
    if (owed != null) {
      unheard.removeAll(owed.keySet());
    }
  }

  /** No answer came from the event bus: only nodes that answer are waited for. */
  void stopAsking() {
    if (asking) {
      reached(Set.of());
    }
  }

  /**
   * A handler of {@code node}, which has {@code handlers} of them for the address, took it. True
   * when that node has now answered for every one of them.
   */
  boolean fromNode(String node, int handlers) {
    if (owed == null) {
      owed = new HashMap<>(4);
    }
    Integer owing = owed.get(node);
    int left = owing == null ? handlers : owing;
    if (owing == null) {
      if (left > 0) {
        nodesOwing++;
      }
      if (unheard != null) {
        unheard.remove(node);
      }
    } else if (left == 0) {
      return false; // a receipt past the count it gave (a handler registered meanwhile)
    }
    if (left > 0 && --left == 0) {
      nodesOwing--;
    }
    owed.put(node, left);
    return left == 0;
  }

  /** {@code node} owes nothing more: it passed this publish, or left the cluster. */
  void letOff(String node) {
    if (unheard != null) {
      unheard.remove(node);
    }
    if (owed != null) {
      Integer left = owed.get(node);
      if (left != null && left > 0) {
        owed.put(node, 0);
        nodesOwing--;
      }
    }
  }

  /** Lets off the nodes that are no longer members of the cluster. */
  void keepMembers(Set<String> members) {
    if (unheard != null) {
      unheard.retainAll(members);
    }
    if (owed != null) {
      for (Map.Entry<String, Integer> e : owed.entrySet()) {
        if (e.getValue() > 0 && !members.contains(e.getKey())) {
          e.setValue(0);
          nodesOwing--;
        }
      }
    }
  }

  /** Lets off the nodes that have not answered and are no longer listed for the address. */
  void keepListed(Collection<String> listed) {
    if (unheard != null) {
      unheard.retainAll(listed);
    }
  }

  /** True while some node it reached has not answered at all. */
  boolean hasUnheard() {
    return unheard != null && !unheard.isEmpty();
  }

  /** True when nothing more is owed. */
  boolean settled() {
    return !asking && nodesOwing == 0 && !hasUnheard();
  }
}
