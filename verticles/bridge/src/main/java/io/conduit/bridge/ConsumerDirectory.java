package io.conduit.bridge;

import io.conduit.cluster.ClusterAccess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.spi.cluster.ClusterManager;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * Answers "does any node have a consumer for this address?" (Majordomo's {@code mmi.service})
 * without sending the consumer anything. Clustered: the cluster manager's registration map.
 * Standalone: Vert.x has no public query, so the local handler map is read (by reflection, here
 * only); if that ever fails the answer is a conservative "unknown" (false).
 */
final class ConsumerDirectory {

  private final Vertx vertx;
  private final Map<?, ?> localHandlers;

  ConsumerDirectory(Vertx vertx) {
    this.vertx = vertx;
    this.localHandlers = readLocalHandlerMap(vertx.eventBus());
  }

  Future<Boolean> hasConsumer(String address) {
    ClusterManager cluster = ClusterAccess.manager(vertx);
    if (cluster == null) {
      return Future.succeededFuture(localHandlers != null && localHandlers.containsKey(address));
    }
    Promise<java.util.List<io.vertx.core.spi.cluster.RegistrationInfo>> promise = Promise.promise();
    cluster.getRegistrations(address, promise);
    return promise.future().map(list -> !list.isEmpty()
        || (localHandlers != null && localHandlers.containsKey(address)));
  }

  private static Map<?, ?> readLocalHandlerMap(EventBus bus) {
    for (Class<?> c = bus.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField("handlerMap");
        f.setAccessible(true);
        return (Map<?, ?>) f.get(bus);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }
}
