package io.conduit.web;

import io.conduit.cluster.TestClusters;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.concurrent.TimeUnit;

/** A web console on a free loopback port and a client that talks to it, for one test. */
final class WebFixture {

  final Vertx vertx;
  final int port = TestClusters.freePort();
  final WebClient client;
  String host = "127.0.0.1";
  String token;

  WebFixture(Vertx vertx) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  JsonObject config() {
    return new JsonObject().put("host", host).put("port", port);
  }

  Future<String> deploy(JsonObject extra) {
    return vertx.deployVerticle(new WebVerticle(), new DeploymentOptions().setConfig(config().mergeIn(extra)));
  }

  void deployAndWait(JsonObject extra) throws Exception {
    await(deploy(extra));
  }

  HttpRequest<Buffer> get(String path) {
    return authorized(client.get(path));
  }

  HttpRequest<Buffer> post(String path) {
    return authorized(client.post(path)).putHeader("Content-Type", "application/json");
  }

  HttpResponse<Buffer> getNow(String path) throws Exception {
    return await(get(path).send());
  }

  HttpResponse<Buffer> postNow(String path, Object body) throws Exception {
    return await(post(path).sendBuffer(Buffer.buffer(io.vertx.core.json.Json.encode(body))));
  }

  private HttpRequest<Buffer> authorized(HttpRequest<Buffer> request) {
    return token == null ? request : request.bearerTokenAuthentication(token);
  }

  /** A console on an ephemeral port (port 0) of {@code config}'s host, 127.0.0.1 unless it names one; its port. */
  static int startOnEphemeralPort(Vertx vertx, JsonObject config) throws Exception {
    WebVerticle web = new WebVerticle();
    await(vertx.deployVerticle(web, new DeploymentOptions().setConfig(
        new JsonObject().put("host", "127.0.0.1").mergeIn(config).put("port", 0))));
    return web.actualPort();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
