package io.conduit.web.graph;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * Writes a request's body to a temporary file as it arrives, without blocking the event loop and
 * with backpressure (the request pauses while the file catches up), because an import reads its
 * file several times and a body can be read once.
 */
final class UploadSpool {

  /** The body was larger than allowed. */
  static final class TooLarge extends RuntimeException {
    TooLarge(long max) {
      super("the upload is over " + max + " bytes");
    }
  }

  private UploadSpool() {
  }

  /** The path of a new temporary file holding the whole body (delete it when done); fails past {@code maxBytes}. */
  static Future<String> spool(Vertx vertx, HttpServerRequest request, long maxBytes) {
    request.pause();
    return vertx.fileSystem().createTempFile("conduit-graph-", ".upload").compose(path ->
        vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setTruncateExisting(true))
            .compose(file -> copy(request, file, maxBytes).map(path))
            .recover(e -> vertx.fileSystem().delete(path).transform(ignored -> Future.<String>failedFuture(e))));
  }

  private static Future<Void> copy(HttpServerRequest request, AsyncFile file, long maxBytes) {
    Promise<Void> done = Promise.promise();
    long[] size = {0};
    request.handler(chunk -> {
      size[0] += chunk.length();
      if (size[0] > maxBytes) {
        request.handler(null);
        file.close();
        done.tryFail(new TooLarge(maxBytes));
        return;
      }
      file.write(chunk);
      if (file.writeQueueFull()) {
        request.pause();
        file.drainHandler(v -> request.resume());
      }
    });
    request.exceptionHandler(e -> file.close().onComplete(v -> done.tryFail(e)));
    request.endHandler(v -> file.close().onComplete(ar -> {
      if (ar.succeeded()) {
        done.tryComplete();
      } else {
        done.tryFail(ar.cause());
      }
    }));
    request.resume();
    return done.future();
  }
}
