package io.conduit.web.graph;

import io.conduit.Conditions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A response body written from a worker thread waits while the client does not read: the writer
 * blocks with a bounded amount handed to the response, and finishes once the client reads again.
 */
class ResponseStreamTest {

  private static final long BODY = 64L << 20;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aWriterWaitsForASlowClientInsteadOfBufferingTheBody() throws Exception {
    AtomicLong written = new AtomicLong();
    CompletableFuture<Thread> writer = new CompletableFuture<>();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      Context context = vertx.getOrCreateContext();
      ResponseStream body = new ResponseStream(context, request.response(), r -> r.setChunked(true));
      Thread thread = new Thread(() -> {
        byte[] chunk = new byte[8192];
        try {
          while (written.get() < BODY) {
            body.write(chunk);
            written.addAndGet(chunk.length);
          }
          body.flush();
          context.runOnContext(v -> request.response().end());
        } catch (IOException e) {
          // the client went away
        }
      }, "export-writer");
      writer.complete(thread);
      thread.start();
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(64 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5_000);
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Thread thread = writer.get(10, TimeUnit.SECONDS);

      Conditions.await(10_000, () -> thread.getState() == Thread.State.WAITING && written.get() > 0,
          () -> "the writer never waited; written " + written.get());
      assertTrue(written.get() < BODY / 4, "the writer waited only after " + written.get() + " bytes");

      long read = drain(socket.getInputStream());
      assertTrue(read > BODY, "read " + read);
      thread.join(10_000);
      assertEquals(BODY, written.get());
    }
  }

  /** Reads the chunked response to its last chunk; how many bytes that was. */
  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    byte[] tail = new byte[5];
    int n;
    while ((n = in.read(buffer)) > 0) {
      total += n;
      if (n >= 5) {
        System.arraycopy(buffer, n - 5, tail, 0, 5);
        if (new String(tail, StandardCharsets.US_ASCII).equals("0\r\n\r\n")) {
          return total;
        }
      }
    }
    return total;
  }
}
