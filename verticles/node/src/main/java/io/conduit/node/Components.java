package io.conduit.node;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a node that others look at (the bridges, the stores), as each registers itself
 * while it runs: the health checks, the console and node control ask here instead of walking
 * Vert.x's deployments. One registry per Vert.x instance (a local map), readable from any thread.
 */
public final class Components {

  private static final String MAP = "conduit.components";

  /** A registered component, kept as the object itself (a local map copies only what is not Shareable). */
  private record Entry(Object component) implements Shareable {
  }

  private Components() {
  }

  /** Registers {@code component} under {@code id} (a deployment's own id) until {@link #unregister}. */
  public static void register(Vertx vertx, String id, Object component) {
    map(vertx).put(id, new Entry(component));
  }

  public static void unregister(Vertx vertx, String id) {
    map(vertx).remove(id);
  }

  /** The registered components of a type on this node. */
  public static <T> List<T> of(Vertx vertx, Class<T> type) {
    List<T> found = new ArrayList<>();
    for (Entry e : map(vertx).values()) {
      if (type.isInstance(e.component())) {
        found.add(type.cast(e.component()));
      }
    }
    return found;
  }

  private static LocalMap<String, Entry> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
