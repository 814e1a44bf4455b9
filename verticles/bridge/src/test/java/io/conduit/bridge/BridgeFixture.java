package io.conduit.bridge;

import io.conduit.cluster.TestClusters;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/** Deploys a bridge on free loopback ports with a config, and the consumers tests talk to. */
final class BridgeFixture {

  final String endpoint;
  final String eventsEndpoint;
  final ZmqBridgeVerticle bridge = new ZmqBridgeVerticle();

  BridgeFixture() {
    // probed below the ephemeral range: while a bridge restarts, no outgoing connection (a client
    // redialling it, say) can be given its port as a local one
    int port = TestClusters.freeBlock(2);
    endpoint = "tcp://127.0.0.1:" + port;
    eventsEndpoint = "tcp://127.0.0.1:" + (port + 1);
  }

  JsonObject config() {
    return new JsonObject().put("endpoint", endpoint).put("eventsEndpoint", eventsEndpoint);
  }

  /** Deploys test consumers (echo, fail, recovering, silent, deadline) and the bridge with {@code extra} config merged in. */
  Future<String> deploy(Vertx vertx, JsonObject extra) {
    var bus = vertx.eventBus();
    bus.consumer("echo", m -> m.reply(m.body(), new io.vertx.core.eventbus.DeliveryOptions().setHeaders(m.headers())));
    bus.consumer("fail", m -> m.fail(409, "the resource is locked"));
    bus.consumer("recovering", m -> m.fail(503, "the store lost its lease; retry"));
    bus.consumer("silent", m -> { });
    // what the consumer was told of the request's deadline (the echo's reply does not carry it back)
    bus.consumer("deadline", m -> m.reply(m.headers().get(io.conduit.codec.RequestHeaders.TIMEOUT_MS)));
    bus.consumer("bytes", m -> m.reply(io.vertx.core.buffer.Buffer.buffer(new byte[] {1, 2, 3})));
    bus.consumer("big", m -> m.reply("x".repeat(10_000)));
    return vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config().mergeIn(extra)));
  }

  void deployAndWait(Vertx vertx, JsonObject extra) throws Exception {
    deploy(vertx, extra).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
