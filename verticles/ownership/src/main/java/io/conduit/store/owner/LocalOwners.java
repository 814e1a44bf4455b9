package io.conduit.store.owner;

import io.conduit.node.TurnBatch;
import io.vertx.core.Closeable;
import io.vertx.core.Completable;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores this node owns, for the node's own bridge to call directly when a store runs on the
 * event loop that read the request. Such a request is handed to the store's handler in a task of
 * that loop (with the others of the same turn), as the event bus would deliver it, but without
 * crossing the event bus: no message and header copies, no reply registration, no interceptors.
 * On two cores that made 16 clients' document {@code get}s 8 % faster for 7 % less CPU
 * (bench/results/HISTORY.md, "Earlier run: a store on the bridge's loop is called without the
 * event bus").
 *
 * <p>Only a store's owner on an event loop registers here, once its event-bus consumer is
 * registered, and is removed when it stops serving or its deployment goes; so a direct call reaches
 * the one consumer the event bus would have chosen. A request and a one-way send take the same
 * path, one after the other in the loop's task queue, so a client's writes and reads stay in
 * order. (A turn's direct calls share one task, so a message sent on the event bus between two of
 * them would reach the store after both; but the bridge sends a client's requests for one address
 * on one path while the store's owner stays where it is, so only a takeover in the middle of a turn
 * could do that.) Everything else (another loop, another node, no owner here, a publish) goes
 * through the event bus as before. The node's service meters see direct calls through an
 * {@link Observer}, since no interceptor runs for them. One registry per Vert.x instance (a local
 * map), usable from any thread.
 */
public final class LocalOwners {

  private static final String MAP = "conduit.local-owners";
  private static final Runnable NOTHING = () -> { };

  /** What a node's request meters learn of a direct call, which no event-bus interceptor sees. */
  public interface Observer {
    /** A call to {@code address} reaches its store; returns what {@link #replied} gets back (may be null). */
    Object started(String address);

    /** The store answered the call started as {@code started}; {@code failure} is its {@code fail(...)}, or null. */
    void replied(Object started, Throwable failure);
  }

  /**
   * A store's handler on its own context, and the direct calls waiting for it: those a turn of
   * the loop queues are handed over in one task, in the order they came (so a turn's calls to two
   * stores on one loop reach each store in order, one store's before the other's). Used from that
   * loop only.
   */
  private static final class Owner {
    private final ContextInternal context;
    private final Handler<Message<Object>> handler;
    private final TurnBatch<DirectRequest> queued;

    Owner(ContextInternal context, Handler<Message<Object>> handler) {
      this.context = context;
      this.handler = handler;
      // a task, not a call: event-bus deliveries to this store are tasks of the same loop, so what
      // a client sent before this (on either path) reaches the store first
      this.queued = new TurnBatch<>(context.executor(), this::deliver);
    }

    ContextInternal context() {
      return context;
    }

    /** Queues {@code request} behind the others; the turn's task hands them to the store. */
    void queue(DirectRequest request) {
      queued.add(request);
    }

    /**
     * Hands the store a turn's calls, each on a fresh duplicate of its context, as from the event
     * bus. One dispatch around them all: a dispatch from the loop itself reads the clock (for
     * Vert.x's blocked-thread checker), one inside another does not.
     */
    private void deliver(List<DirectRequest> requests) {
      context.dispatch(requests, this::deliverEach);
    }

    private void deliverEach(List<DirectRequest> requests) {
      for (int i = 0; i < requests.size(); i++) {
        DirectRequest request = requests.get(i);
        try {
          request.metered();
        } catch (RuntimeException e) {
          context.reportException(e); // the meters' fault: the request is delivered all the same
        }
        context.duplicate().dispatch(request, handler);
      }
    }
  }

  private record Shared(LocalOwners registry) implements Shareable {
  }

  private final Map<String, Owner> owners = new ConcurrentHashMap<>();
  private volatile Observer observer;

  private LocalOwners() {
  }

  /** The registry of {@code vertx}'s node. */
  public static LocalOwners of(Vertx vertx) {
    LocalMap<String, Shared> map = vertx.sharedData().getLocalMap(MAP);
    Shared shared = map.get(MAP);
    if (shared == null) {
      Shared created = new Shared(new LocalOwners());
      Shared raced = map.putIfAbsent(MAP, created);
      shared = raced == null ? created : raced;
    }
    return shared.registry();
  }

  /** Sets the meters told of direct calls (one per node; null for none). */
  public void observe(Observer meters) {
    this.observer = meters;
  }

  /**
   * Registers {@code handler} as the owner of {@code address}, on the current context, until the
   * returned action runs or the deployment is undeployed. A store on a worker or virtual-thread
   * context is not registered (no bridge reads on its thread): it is served on the event bus only.
   */
  public Runnable serve(String address, Handler<Message<Object>> handler) {
    ContextInternal current = ContextInternal.current();
    if (current == null || !current.isEventLoopContext()) {
      return NOTHING;
    }
    ContextInternal context = current.unwrap();
    Owner owner = new Owner(context, handler);
    Closeable undeployed = done -> {
      owners.remove(address, owner);
      done.succeed();
    };
    owners.put(address, owner);
    context.addCloseHook(undeployed);
    return () -> {
      owners.remove(address, owner);
      context.removeCloseHook(undeployed);
    };
  }

  /** Whether a store owned here serves {@code address} on the calling thread's event loop (a direct call would be made). */
  public boolean servesOnThisLoop(String address) {
    Owner owner = owners.get(address);
    return owner != null && owner.context().nettyEventLoop().inEventLoop();
  }

  /**
   * Queues a request (or, with {@code outcome} null, a one-way message) for the store that owns
   * {@code address}, when it runs on the calling thread's event loop; returns null otherwise (send
   * it on the event bus). The store gets it as the loop's
   * next task, on a fresh duplicate of its context, as from the event bus. {@code outcome} gets the
   * reply or the store's failure once, on the caller's thread, unless {@link DirectRequest#expire()}
   * came first: a reply given on the loop reaches it at once, inside the store's turn, with the
   * store's context current, so {@code outcome} must not rely on the caller's context being current
   * (it may not set timers or create futures bound to it). A reply given on the loop is not copied:
   * {@code outcome} must be done with its body when it returns (the bridge encodes it at once).
   *
   * @param headers fills in the request's headers for the store (the deadline among them) when the
   *                store reads them; it may run on the store's thread, so it must read only values
   *                that do not change
   */
  public DirectRequest call(String address, Object body, Handler<MultiMap> headers, long timeoutMs,
                            Completable<Message<Object>> outcome) {
    return dispatch(address, body, headers, timeoutMs, outcome, null);
  }

  private DirectRequest dispatch(String address, Object body, Handler<MultiMap> headers, long timeoutMs,
                                 Completable<Message<Object>> outcome, Runnable handled) {
    Owner owner = owners.get(address);
    ContextInternal caller = ContextInternal.current();
    if (owner == null || caller == null || !owner.context().nettyEventLoop().inEventLoop()) {
      return null;
    }
    Observer meters = outcome == null ? null : observer;
    DirectRequest request = new DirectRequest(address, body, headers, timeoutMs, caller, outcome, meters, handled);
    owner.queue(request);
    return request;
  }

  /**
   * Queues a one-way message (an event-bus {@code send}) for the store that owns {@code address}
   * on the calling thread's event loop, behind the requests queued before it; null when there is
   * none. A reply the store gives it goes nowhere, as on the event bus; but {@code handled} runs
   * once, on the caller's context, when the store has replied to or failed it, or when
   * {@link DirectRequest#expire()} came first: until then the store holds it (behind its lock,
   * perhaps), which a sender counting what it makes the node hold needs to know.
   */
  public DirectRequest send(String address, Object body, Handler<MultiMap> headers, long timeoutMs,
                            Runnable handled) {
    return dispatch(address, body, headers, timeoutMs, null, handled);
  }
}
