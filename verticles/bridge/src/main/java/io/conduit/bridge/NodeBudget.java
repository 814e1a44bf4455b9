package io.conduit.bridge;

import io.conduit.codec.zmtp.ByteBudget;
import io.vertx.core.Vertx;

import java.lang.System.Logger.Level;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The node's one budget for partly received messages, shared by every bridge instance (event loop)
 * and bridge service of a Vert.x instance, whichever a connection landed on. The first bridge to
 * start sets its size; it goes with the last one to stop, so a bridge started again later gets the
 * size its config says. Instances run on several event loops: every method is synchronized.
 */
final class NodeBudget {

  private static final System.Logger LOG = System.getLogger(NodeBudget.class.getName());

  private record Held(ByteBudget budget, int users) {
  }

  private static final Map<Vertx, Held> HELD = new IdentityHashMap<>();

  private NodeBudget() {
  }

  /** The node's budget, made {@code bytes} large when no bridge holds one. */
  static synchronized ByteBudget acquire(Vertx vertx, long bytes) {
    Held h = HELD.get(vertx);
    if (h == null) {
      h = new Held(new ByteBudget(bytes), 0);
    } else if (h.budget().limit() != bytes) {
      LOG.log(Level.WARNING, "a bridge configured with receiveBudgetBytes " + bytes + " shares the node's budget of "
          + h.budget().limit() + " bytes, set by the bridge that started first");
    }
    HELD.put(vertx, new Held(h.budget(), h.users() + 1));
    return h.budget();
  }

  /** A bridge that acquired the budget stopped. */
  static synchronized void release(Vertx vertx) {
    Held h = HELD.get(vertx);
    if (h == null || h.users() <= 1) {
      HELD.remove(vertx);
    } else {
      HELD.put(vertx, new Held(h.budget(), h.users() - 1));
    }
  }
}
