package io.conduit.store.owner;

import io.vertx.core.Completable;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores this node owns, for the node's own bridge to call directly when a store runs on the
 * event loop that read the request. Such a request is handed to the store's handler at once, on
 * that loop, instead of crossing the event bus: no message copies, no reply registration, no
 * interceptors, no task between the read and the store. On two cores that made a 16-client
 * document {@code get} 12 % faster and took a tenth off its CPU (docs/benchmarks.md).
 *
 * <p>Only a store's owner registers here, beside its event-bus consumer and for exactly as long,
 * so a direct call reaches the one consumer the event bus would have chosen. Everything else
 * (another loop, another node, no owner here) goes through the event bus as before. The node's
 * service meters see direct calls through an {@link Observer}, since no interceptor runs for them.
 * One registry per Vert.x instance (a local map), usable from any thread.
 */
public final class LocalOwners {

  private static final String MAP = "conduit.local-owners";

  /** What a node's request meters learn of a direct call, which no event-bus interceptor sees. */
  public interface Observer {
    /** A call to {@code address} is handed to its store; returns what {@link #replied} gets back (may be null). */
    Object started(String address);

    /** The store answered the call started as {@code started}; {@code failure} is its {@code fail(...)}, or null. */
    void replied(Object started, Throwable failure);
  }

  /** A store's handler on its own context. */
  private record Owner(ContextInternal context, Handler<Message<Object>> handler) {
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
   * Registers {@code handler} as the owner of {@code address}, on the current context (the store's
   * event-loop context), until the returned action runs.
   */
  public Runnable serve(String address, Handler<Message<Object>> handler) {
    ContextInternal context = ContextInternal.current();
    if (context == null || !context.isEventLoopContext()) {
      throw new IllegalStateException("a store serves '" + address + "' directly only from its event-loop context");
    }
    Owner owner = new Owner(context, handler);
    owners.put(address, owner);
    return () -> owners.remove(address, owner);
  }

  /**
   * Hands a request to the store that owns {@code address}, when it runs on the calling thread's
   * event loop; returns null otherwise (send it on the event bus). The store may answer before
   * this returns. {@code outcome} gets the reply or the store's failure once, on the caller's
   * context, unless {@link DirectRequest#expire()} came first.
   *
   * @param headers fills in the request's headers for the store (the deadline among them), if the store reads them
   */
  public DirectRequest call(String address, Object body, Handler<MultiMap> headers, long timeoutMs,
                            Completable<Message<Object>> outcome) {
    Owner owner = owners.get(address);
    ContextInternal caller = ContextInternal.current();
    if (owner == null || caller == null || !owner.context().nettyEventLoop().inEventLoop()) {
      return null;
    }
    Observer meters = observer;
    DirectRequest request = new DirectRequest(address, body, headers, timeoutMs, caller, outcome,
        meters, meters == null ? null : meters.started(address));
    owner.context().dispatch(request, owner.handler());
    return request;
  }
}
