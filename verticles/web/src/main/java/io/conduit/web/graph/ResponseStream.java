package io.conduit.web.graph;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The body of a chunked response as an OutputStream for a worker thread: bytes go to the response in
 * chunks of 64 KB on its event loop, and the writer waits whenever the response's write queue is full
 * (the client reads slower than the graph is written), so an export of any size holds about one chunk.
 * The status and headers go out with the first chunk, so a failure before it still gets its own status.
 */
final class ResponseStream extends OutputStream {

  private static final int CHUNK = 64 * 1024;

  private final Context context;
  private final HttpServerResponse response;
  private final Consumer<HttpServerResponse> headers;
  private final byte[] buffer = new byte[CHUNK];
  private int count;
  /** Set on the response's event loop; read there. */
  private boolean started;
  /** Done once the last chunk is written and the queue has room again. */
  private volatile CompletableFuture<Void> room = CompletableFuture.completedFuture(null);
  private volatile IOException gone;

  /** Made on the response's event loop; {@code headers} sets the status and headers before the first chunk. */
  ResponseStream(Context context, HttpServerResponse response, Consumer<HttpServerResponse> headers) {
    this.context = context;
    this.response = response;
    this.headers = headers;
    response.closeHandler(v -> lost(new IOException("the client closed the connection")));
    response.exceptionHandler(e -> lost(new IOException("the connection failed: " + e.getMessage(), e)));
  }

  @Override
  public void write(int b) throws IOException {
    if (count == CHUNK) {
      send();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      int n = Math.min(length, CHUNK - count);
      System.arraycopy(bytes, offset, buffer, count, n);
      count += n;
      offset += n;
      length -= n;
      if (count == CHUNK) {
        send();
      }
    }
  }

  /** Hands what is buffered to the response and waits until the response has taken it. */
  @Override
  public void flush() throws IOException {
    if (count > 0) {
      send();
    }
    awaitRoom();
  }

  /** True once the status and headers went out; call on the response's event loop. */
  boolean started() {
    return started;
  }

  /** Sends the status and headers if no chunk did; call on the response's event loop before ending it. */
  void start() {
    if (!started) {
      started = true;
      headers.accept(response);
    }
  }

  private void send() throws IOException {
    awaitRoom();
    Buffer chunk = Buffer.buffer(Arrays.copyOf(buffer, count));
    count = 0;
    CompletableFuture<Void> next = new CompletableFuture<>();
    room = next;
    context.runOnContext(v -> {
      if (gone != null) {
        next.completeExceptionally(gone);
        return;
      }
      start();
      response.write(chunk);
      if (response.writeQueueFull()) {
        response.drainHandler(x -> next.complete(null));
      } else {
        next.complete(null);
      }
    });
  }

  private void awaitRoom() throws IOException {
    try {
      room.get();
    } catch (ExecutionException e) {
      throw gone != null ? gone : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the client was reading", e);
    }
  }

  private void lost(IOException e) {
    gone = e;
    room.completeExceptionally(e);
  }
}
