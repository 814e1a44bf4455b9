package io.conduit.deploy;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Where a node is in its life, for the readiness probe ({@code /health/ready}): a node that
 * {@code conduit serve} runs is {@link State#STARTING} until its whole deployment is up,
 * {@link State#READY}, then {@link State#STOPPING} from the moment it is asked to stop. A Vert.x
 * that no node runs (an application embedding Conduit's verticles) has no state: its own
 * lifecycle is the application's to report.
 */
public final class NodeLifecycle {

  /** The stages of a node's life. */
  public enum State { STARTING, READY, STOPPING }

  private static final String MAP = "conduit.node";
  private static final String KEY = "lifecycle";

  private NodeLifecycle() {
  }

  public static void set(Vertx vertx, State state) {
    map(vertx).put(KEY, state.name());
  }

  /** The node's state, or null when no node manages this Vert.x. */
  public static State get(Vertx vertx) {
    String s = map(vertx).get(KEY);
    return s == null ? null : State.valueOf(s);
  }

  private static LocalMap<String, String> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
