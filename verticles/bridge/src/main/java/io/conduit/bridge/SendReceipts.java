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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

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

  /** How often publishes waiting on other nodes are checked (members, registrations). */
  private static final long CHECK_MS = 1_000;
  /** How long a publish waits on other nodes before the check asks again which of them it reached. */
  private static final long RECHECK_AFTER_NANOS = 2_000_000_000L;

  /**
   * A message's charge, held until {@code receipts} more receipts have come from this node and,
   * for a publish that reached other nodes ({@code reach}), those have answered too.
   */
  private static final class Held {
    final ZmtpPeer client;
    final Inbound.Charge charge;
    final RequestDeadlines.Entry deadline;
    int receipts;
    PublishReach reach;

    Held(ZmtpPeer client, Inbound.Charge charge, RequestDeadlines.Entry deadline, int receipts) {
      this.client = client;
      this.charge = charge;
      this.deadline = deadline;
      this.receipts = receipts;
    }

    boolean done() {
      return receipts <= 0 && (reach == null || reach.settled());
    }
  }

  private final Vertx vertx;
  private final ContextInternal context;
  private final BridgeTransport sockets;
  private final RequestDeadlines deadlines;
  private final EventBus bus;
  private final String address = Receipts.ADDRESS_PREFIX + "bridge." + UUID.randomUUID();
  private final long holdAtMostMs;
  private final Map<Long, Held> held = new HashMap<>();
  /** Held publishes that reached other nodes, by address, in the order they left. */
  private final Map<String, LinkedHashSet<Long>> reachedOthers = new HashMap<>();
  private long checkTimer = -1;
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
    if (checkTimer >= 0) {
      vertx.cancelTimer(checkTimer);
      checkTimer = -1;
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /**
   * Sends {@code body} to {@code address}, its bytes (what {@code request} is charged) held until
   * its consumer takes it: at once when no consumer is registered for it, at the latest after
   * {@link #holdAtMostMs}. The outcome of the event bus's write: failed (NO_HANDLERS) when no
   * consumer is registered for the address anywhere.
   */
  Future<Void> send(Inbound request, String address, Object body, DeliveryOptions delivery) {
    long number = hold(request, 1, delivery);
    // the write fails when no consumer is registered (NO_HANDLERS): nothing will take it
    return bus.sender(address, delivery).write(body).onFailure(e -> settle(number));
  }

  /**
   * Publishes {@code body} to {@code address}, its bytes held until every handler it reaches has
   * taken it (at the latest after {@link #holdAtMostMs}): this node's, and in a cluster those of
   * the other nodes it reaches. When it reaches no handler, nothing is held.
   */
  void publish(Inbound request, String address, Object body, DeliveryOptions delivery) {
    int handlers = LocalHandlers.count(bus, address);
    // asked before the publish leaves: the event bus's own selection for it joins this one
    Future<List<String>> others = ClusterAccess.otherNodesReached(vertx, address);
    if (others == null || others.isComplete() && others.result().isEmpty()) {
      if (handlers > 0) {
        hold(request, handlers, delivery);
      }
    } else {
      long number = hold(request, handlers, delivery);
      held.get(number).reach = new PublishReach(address, System.nanoTime());
      reachedOthers.computeIfAbsent(address, a -> new LinkedHashSet<>()).add(number);
      if (checkTimer < 0) {
        checkTimer = vertx.setPeriodic(CHECK_MS, id -> check());
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
    if (h != null && h.reach != null) {
      h.reach.reached(nodes);
      settleIfDone(number, h);
    }
  }

  /**
   * Once a second while publishes wait on other nodes: a node that left the cluster (stopped, or
   * killed and found dead by the others) will not answer for the copies it had, so it is let off.
   * A publish still waiting after a while for nodes that never answered is checked against the
   * nodes now listed for its address (the event bus's view may have been behind: a node whose
   * last handler had just gone got no copy); one whose selection never came back waits for no one.
   */
  private void check() {
    List<String> members = ClusterAccess.members(vertx);
    Set<String> alive = members == null ? Set.of() : new HashSet<>(members);
    long now = System.nanoTime();
    List<Long> done = new ArrayList<>();
    List<String> recheck = new ArrayList<>();
    for (Map.Entry<String, LinkedHashSet<Long>> byAddress : reachedOthers.entrySet()) {
      boolean ask = false;
      for (long number : byAddress.getValue()) {
        PublishReach reach = held.get(number).reach;
        boolean waited = now - reach.sinceNanos > RECHECK_AFTER_NANOS;
        if (waited) {
          reach.stopAsking();
        }
        if (!reach.asking()) {
          reach.keepMembers(alive);
        }
        if (reach.settled()) {
          done.add(number);
        } else {
          ask |= waited && reach.hasUnheard();
        }
      }
      if (ask) {
        recheck.add(byAddress.getKey());
      }
    }
    done.forEach(this::settle);
    for (String address : recheck) {
      Future<List<String>> listed = ClusterAccess.otherNodesReached(vertx, address);
      if (listed != null) {
        listed.onComplete(nodes -> arrivedHere(() -> stillListed(address, nodes.result())));
      }
    }
    if (reachedOthers.isEmpty()) {
      vertx.cancelTimer(checkTimer);
      checkTimer = -1;
    }
  }

  /** The nodes now listed for {@code address}: those of its held publishes that never answered and are not, owe nothing. */
  private void stillListed(String address, List<String> nodes) {
    settleWhere(address, Long.MAX_VALUE, reach -> reach.keepListed(nodes));
  }

  /** Applies {@code change} to the held publishes to {@code address} numbered below {@code before}, settling those it frees. */
  private void settleWhere(String address, long before, Consumer<PublishReach> change) {
    LinkedHashSet<Long> numbers = reachedOthers.get(address);
    if (numbers == null) {
      return;
    }
    List<Long> done = new ArrayList<>();
    for (long number : numbers) {
      if (number >= before) {
        break;
      }
      Held h = held.get(number);
      if (!h.reach.asking()) {
        change.accept(h.reach);
        if (h.done()) {
          done.add(number);
        }
      }
    }
    done.forEach(this::settle);
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
      long number = Long.parseLong(receipt.substring(0, slash));
      Held h = held.get(number);
      if (h == null || h.reach == null || last <= slash) {
        return;
      }
      String node = receipt.substring(slash + 1, last);
      if (h.reach.fromNode(node, Integer.parseInt(receipt.substring(last + 1)))) {
        // that node's handlers have passed every earlier publish to the address too
        settleWhere(h.reach.address, number, reach -> reach.letOff(node));
      }
      settleIfDone(number, h);
    } catch (NumberFormatException e) {
      // only Conduit sends here (the conduit. namespace is closed to clients)
    }
  }

  private void arrived(long number) {
    Held h = held.get(number);
    if (h != null && --h.receipts == 0) {
      settleIfDone(number, h);
    }
  }

  private void settleIfDone(long number, Held h) {
    if (h.done() && held.get(number) == h) {
      settle(number);
    }
  }

  /** Gives the charge back: every receipt came, the deadline passed, or nothing will take it. */
  private void settle(long number) {
    Held h = held.remove(number);
    if (h != null) {
      if (h.reach != null) {
        LinkedHashSet<Long> numbers = reachedOthers.get(h.reach.address);
        if (numbers != null && numbers.remove(number) && numbers.isEmpty()) {
          reachedOthers.remove(h.reach.address);
        }
      }
      deadlines.remove(h.deadline); // removing the entry that is expiring now does nothing
      sockets.giveBack(h.client, h.charge);
    }
  }
}
