package io.conduit.client.graph.io;

import io.conduit.client.graph.GraphStoreException;
import io.conduit.codec.ErrorCode;
import io.vertx.core.Context;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Waiting for the store, which exports and imports do on the caller's thread: never an event loop's. */
final class Blocking {

  private Blocking() {
  }

  /** Throws when called on a Vert.x event loop, which must never wait for a file or for the store. */
  static void refuseOnEventLoop(String what) {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(what + " reads files and waits for the store, and was called on a Vert.x "
          + "event-loop thread (" + Thread.currentThread().getName() + "), which must never block; call it from a "
          + "worker (executeBlocking) or a thread of your own");
    }
  }

  /** The stage's value once it has one; its failure as a {@link GraphStoreException} when it is one. */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new GraphStoreException(ErrorCode.INTERNAL.status(), ErrorCode.INTERNAL, String.valueOf(cause.getMessage()));
    }
  }
}
