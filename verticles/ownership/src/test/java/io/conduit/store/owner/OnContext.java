package io.conduit.store.owner;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A Vert.x of a test's own and one context on it, where a StoreOwnership is made and called; as a
 * test's {@code @RegisterExtension} field it is closed after each test.
 */
final class OnContext implements AutoCloseable, AfterEachCallback {

  final Vertx vertx = Vertx.vertx();
  final Context context = vertx.getOrCreateContext();

  /** Runs {@code action} on the context; its outcome, within 20 s. */
  <T> T run(Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(ar.result());
      } else {
        done.completeExceptionally(ar.cause());
      }
    }));
    return done.get(20, TimeUnit.SECONDS);
  }

  /** A StoreOwnership of the store {@code t} on {@code data}, made and started on the context. */
  StoreOwnership started(java.nio.file.Path data, StoreOwnership.Store store) throws Exception {
    java.util.concurrent.atomic.AtomicReference<StoreOwnership> made = new java.util.concurrent.atomic.AtomicReference<>();
    run(() -> {
      made.set(new StoreOwnership(vertx, "test store", "t", data, 1, store));
      return made.get().start();
    });
    return made.get();
  }

  /** The cluster map of store owners' claims. */
  Future<AsyncMap<String, JsonObject>> claims() {
    return vertx.sharedData().getAsyncMap(StoreOwnership.MAP);
  }

  @Override
  public void afterEach(ExtensionContext test) throws Exception {
    close();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
