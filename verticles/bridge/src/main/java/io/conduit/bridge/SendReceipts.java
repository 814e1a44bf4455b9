package io.conduit.bridge;

import io.conduit.cluster.ClusterAccess;
import io.conduit.codec.RequestHeaders;
import io.conduit.node.Receipts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.impl.LocalHandlers;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps a one-way message the bridge has acknowledged charged to its client until its consumer
 * takes it. The client is answered as soon as its {@code SEND} is on the event bus, but a slow
 * consumer (a worker-threaded service, a store behind a lock) leaves it queued there, each as
 * large as a message may be; without this a client could fill the node's memory with sends it was
 * told were accepted.
 *
 * <p>Each such send carries a receipt ({@link Receipts}): this bridge instance's receipt address
 * and a number, which the consumer's node sends back when the consumer takes the message (a store:
 * when it has answered it), directly when that node is this one. Until the receipt comes, the
 * message's bytes count against the client's and the node's in-flight byte limits
 * ({@code maxInFlightBytesPerClient}, {@code maxInFlightBytes}). A send no consumer is registered
 * for is given back at once; one that no receipt follows (a consumer whose full queue dropped it, a
 * node that does not answer receipts) after {@code maxTimeoutMs}, a time the bridge sets: the
 * client's own timeout could make it as short as it likes. A {@code PUBLISH} is held the same way
 * until every handler it reaches has taken it: this node's, counted when it leaves, and in a
 * cluster those of each other node it reaches (as this node's event bus sees the cluster's
 * registrations), each of which says how many handlers it has there with its first receipt.
 * Confined to the bridge instance's event loop.
 */
final class SendReceipts {

  /**
   * A message's charge, held until {@code receipts} more receipts have come from this node and,
   * for a publish that reached other nodes, every handler of those has answered.
   */
  private static final class Held {
    final ZmtpPeer client;
    final Inbound.Charge charge;
    final RequestDeadlines.Entry deadline;
    int receipts;
    /** True while this node's event bus is asked which other nodes a publish reaches. */
    boolean asking;
    /** Other nodes the publish reached that have not answered yet (null: none). */
    Set<String> unheard;
    /** Receipts still to come from each other node that has answered (it said how many handlers it has). */
    Map<String, Integer> owed;
    int nodesOwing;

    Held(ZmtpPeer client, Inbound.Charge charge, RequestDeadlines.Entry deadline, int receipts) {
      this.client = client;
      this.charge = charge;
      this.deadline = deadline;
      this.receipts = receipts;
    }

    /** Node {@code node}, with {@code handlers} handlers reached, says one of them took it. */
    void fromNode(String node, int handlers) {
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
      }
      if (left > 0) {
        left--;
        if (left == 0) {
          nodesOwing--;
        }
      }
      owed.put(node, left);
    }

    /** Stops waiting for nodes that are no longer members: their handlers' copies are gone with them. */
    void forgetAllBut(Set<String> members) {
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

    boolean done() {
      return receipts <= 0 && !asking && nodesOwing == 0 && (unheard == null || unheard.isEmpty());
    }
  }

  private final Vertx vertx;
  private final ContextInternal context;
  private final BridgeTransport sockets;
  private final RequestDeadlines deadlines;
  /** How often publishes waiting on other nodes are checked against the cluster's members. */
  private static final long MEMBERS_CHECK_MS = 1_000;

  private final EventBus bus;
  private final String address = Receipts.ADDRESS_PREFIX + "bridge." + UUID.randomUUID();
  private final long holdAtMostMs;
  private final Map<Long, Held> held = new HashMap<>();
  /** Held publishes that reached other nodes: checked against the cluster's members while there are any. */
  private final Set<Long> reachedOthers = new LinkedHashSet<>();
  private long membersTimer = -1;
  private MessageConsumer<String> consumer;
  private Runnable local = () -> { };
  private long last;

  /** On the bridge instance's context, whose loop it is confined to. */
  SendReceipts(Vertx vertx, BridgeTransport sockets, RequestDeadlines deadlines, long holdAtMostMs) {
    this.holdAtMostMs = holdAtMostMs;
    this.vertx = vertx;
    this.context = (ContextInternal) vertx.getOrCreateContext();
    this.bus = vertx.eventBus();
    this.sockets = sockets;
    this.deadlines = deadlines;
  }

  /** Listens for this instance's receipts, on the caller's context (the bridge's). */
  Future<Void> start() {
    local = Receipts.listen(vertx, address, this::arrivedHere);
    consumer = bus.consumer(address, m -> arrived(m.body()));
    return consumer.completion();
  }

  /** Stops listening; what is still held is given back by the deadlines' own end. */
  Future<Void> stop() {
    local.run();
    if (membersTimer >= 0) {
      vertx.cancelTimer(membersTimer);
      membersTimer = -1;
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /**
   * Sends {@code body} to {@code address}, its bytes (what {@code request} is charged) held until
   * its consumer takes it: at once when no consumer is registered for it, at the latest after
   * {@link #holdAtMostMs}.
   */
  void send(Inbound request, String address, Object body, DeliveryOptions delivery) {
    long number = hold(request, 1, delivery);
    // the write fails when no consumer is registered (NO_HANDLERS): nothing will take it
    bus.sender(address, delivery).write(body).onFailure(e -> settle(number));
  }

  /**
   * Publishes {@code body} to {@code address}, its bytes held until every handler it reaches has
   * taken it (at the latest after {@link #holdAtMostMs}): this node's, and in a cluster those of
   * the other nodes it reaches. When it reaches no handler, nothing is held.
   */
  void publish(Inbound request, String address, Object body, DeliveryOptions delivery) {
    int handlers = LocalHandlers.count(bus, address);
    Future<List<String>> others = ClusterAccess.otherNodesReached(vertx, address);
    if (others == null || others.isComplete() && others.result().isEmpty()) {
      if (handlers > 0) {
        hold(request, handlers, delivery);
      }
    } else {
      long number = hold(request, handlers, delivery);
      held.get(number).asking = true;
      reachedOthers.add(number);
      if (membersTimer < 0) {
        membersTimer = vertx.setPeriodic(MEMBERS_CHECK_MS, id -> forgetNodesThatLeft());
      }
      if (others.isComplete()) {
        reached(number, others.result());
      } else {
        others.onComplete(nodes -> arrivedHere(() -> reached(number, nodes.result())));
      }
    }
    bus.publish(address, body, delivery);
  }

  /** The other nodes publish {@code number} reached: those that have not answered yet are waited for. */
  private void reached(long number, List<String> nodes) {
    Held h = held.get(number);
    if (h == null) {
      return;
    }
    h.asking = false;
    h.unheard = new HashSet<>(nodes);
    if (h.owed != null) {
      h.unheard.removeAll(h.owed.keySet());
    }
    if (h.done()) {
      settle(number);
    }
  }

  /**
   * A node that left the cluster (stopped, or killed and found dead by the others) will not answer
   * for the copies it had: publishes waiting for it are given back now, not after
   * {@link #holdAtMostMs}. Runs while publishes wait on other nodes.
   */
  private void forgetNodesThatLeft() {
    List<String> members = ClusterAccess.members(vertx);
    Set<String> alive = members == null ? Set.of() : new HashSet<>(members);
    List<Long> done = new ArrayList<>();
    for (Iterator<Long> it = reachedOthers.iterator(); it.hasNext(); ) {
      long number = it.next();
      Held h = held.get(number);
      if (h == null) {
        it.remove();
      } else if (!h.asking) {
        h.forgetAllBut(alive);
        if (h.done()) {
          done.add(number);
        }
      }
    }
    done.forEach(this::settle);
    if (reachedOthers.isEmpty()) {
      vertx.cancelTimer(membersTimer);
      membersTimer = -1;
    }
  }

  /** Moves {@code request}'s charge to a hold that {@code receipts} receipts (or the deadline) end. */
  private long hold(Inbound request, int receipts, DeliveryOptions delivery) {
    Inbound.Charge charge = new Inbound.Charge();
    request.charge().moveTo(charge);
    long number = ++last;
    RequestDeadlines.Entry deadline = deadlines.add(holdAtMostMs, () -> settle(number));
    held.put(number, new Held(request.from(), charge, deadline, receipts));
    delivery.addHeader(RequestHeaders.RECEIPT, this.address + "/" + number);
    return number;
  }

  /**
   * A receipt from a consumer on this node, on the consumer's thread: settled at once when that is
   * this instance's event loop (a node with one loop, a consumer on the bridge's), else as a task
   * of the loop, which costs less than a message on the bus.
   */
  private void arrivedHere(String number) {
    arrivedHere(() -> arrived(number));
  }

  private void arrivedHere(Runnable action) {
    if (context.inThread()) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** A receipt: {@code <number>}, or from another node a publish reached {@code <number>/<node>/<handlers>}. */
  private void arrived(String receipt) {
    try {
      int slash = receipt.indexOf('/');
      if (slash < 0) {
        arrived(Long.parseLong(receipt));
        return;
      }
      int last = receipt.lastIndexOf('/');
      Held h = held.get(Long.parseLong(receipt.substring(0, slash)));
      if (h != null && last > slash) {
        h.fromNode(receipt.substring(slash + 1, last), Integer.parseInt(receipt.substring(last + 1)));
        if (h.done()) {
          settle(Long.parseLong(receipt.substring(0, slash)));
        }
      }
    } catch (NumberFormatException e) {
      // only Conduit sends here (the conduit. namespace is closed to clients)
    }
  }

  private void arrived(long number) {
    Held h = held.get(number);
    if (h != null && --h.receipts == 0 && h.done()) {
      settle(number);
    }
  }

  /** Gives the charge back: every receipt came, the deadline passed, or nothing will take it. */
  private void settle(long number) {
    Held h = held.remove(number);
    if (h != null) {
      reachedOthers.remove(number);
      deadlines.remove(h.deadline); // removing the entry that is expiring now does nothing
      sockets.giveBack(h.client, h.charge);
    }
  }
}
