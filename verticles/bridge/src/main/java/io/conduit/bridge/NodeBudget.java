package io.conduit.bridge;

import io.conduit.codec.zmtp.ByteBudget;
import io.vertx.core.Vertx;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;

/**
 * A node-wide byte budget shared by every bridge instance (event loop) and bridge service of a
 * Vert.x instance, whichever a connection landed on: {@link #RECEIVE} for partly received
 * messages, {@link #IN_FLIGHT} for requests waiting for their replies, {@link #WORKERS} for
 * requests held for external workers. The first bridge to start
 * sets a budget's size; it goes with the last one to stop, so a bridge started again later gets
 * the size its config says. Instances run on several event loops: every method is synchronized.
 */
final class NodeBudget {

  /** The budget for partly received messages, named by its config field. */
  static final String RECEIVE = "receiveBudgetBytes";
  /** The budget for requests waiting for their replies, named by its config field. */
  static final String IN_FLIGHT = "maxInFlightBytes";
  /** The budget for requests held for external workers, named by its config field. */
  static final String WORKERS = "maxWorkerBytes";

  private static final System.Logger LOG = System.getLogger(NodeBudget.class.getName());

  private record Key(Vertx vertx, String field) {
  }

  private record Held(ByteBudget budget, int users) {
  }

  private static final Map<Key, Held> HELD = new HashMap<>();

  private NodeBudget() {
  }

  /** The node's budget named {@code field}, made {@code bytes} large when no bridge holds one. */
  static synchronized ByteBudget acquire(Vertx vertx, String field, long bytes) {
    Key key = new Key(vertx, field);
    Held h = HELD.get(key);
    if (h == null) {
      h = new Held(new ByteBudget(bytes), 0);
    } else if (h.budget().limit() != bytes) {
      LOG.log(Level.WARNING, "a bridge configured with " + field + " " + bytes + " shares the node's budget of "
          + h.budget().limit() + " bytes, set by the bridge that started first");
    }
    HELD.put(key, new Held(h.budget(), h.users() + 1));
    return h.budget();
  }

  /** A bridge that acquired the budget named {@code field} stopped. */
  static synchronized void release(Vertx vertx, String field) {
    Key key = new Key(vertx, field);
    Held h = HELD.get(key);
    if (h == null || h.users() <= 1) {
      HELD.remove(key);
    } else {
      HELD.put(key, new Held(h.budget(), h.users() - 1));
    }
  }
}
