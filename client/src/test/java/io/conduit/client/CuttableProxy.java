package io.conduit.client;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port in front of a ZeroMQ endpoint, whose connections a test can
 * cut, as a network or a restarting bridge would: the client sees its connection drop and redials
 * through the proxy, which is still listening.
 */
final class CuttableProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetClient net = vertx.createNetClient();
  private final NetServer server;
  private final List<NetSocket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile boolean refusing;

  CuttableProxy(String target) throws Exception {
    SocketAddress to = address(target);
    server = vertx.createNetServer().connectHandler(in -> {
      if (refusing) {
        refused.incrementAndGet();
        in.close();
        return;
      }
      accepted.incrementAndGet();
      in.pause();
      open.add(in);
      net.connect(to).onComplete(ar -> {
        if (ar.failed()) {
          in.close();
          return;
        }
        NetSocket out = ar.result();
        open.add(out);
        in.handler(out::write);
        out.handler(in::write);
        in.closeHandler(v -> out.close());
        out.closeHandler(v -> in.close());
        in.resume();
      });
    });
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  String endpoint() {
    return "tcp://127.0.0.1:" + server.actualPort();
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  /** Connections closed at once while refusing. */
  int refused() {
    return refused.get();
  }

  /** While true, new connections are closed at once, as by a host whose bridge is down. */
  void refuse(boolean value) {
    refusing = value;
  }

  /** Closes every connection through the proxy; it goes on accepting new ones. */
  void cut() {
    for (NetSocket s : open) {
      s.close();
    }
    open.clear();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static SocketAddress address(String endpoint) {
    String rest = endpoint.substring("tcp://".length());
    int colon = rest.lastIndexOf(':');
    return SocketAddress.inetSocketAddress(Integer.parseInt(rest.substring(colon + 1)), rest.substring(0, colon));
  }
}
