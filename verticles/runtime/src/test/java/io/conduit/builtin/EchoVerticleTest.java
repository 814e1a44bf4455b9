package io.conduit.builtin;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(VertxExtension.class)
class EchoVerticleTest {

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    vertx.deployVerticle(new EchoVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("address", "echo")))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void repliesWithTheBodyUnchangedWhateverItsJsonType(Vertx vertx, VertxTestContext ctx) {
    List<Object> bodies = Arrays.asList(new JsonObject().put("a", 1), new JsonArray().add("x").add(2), "text", 42,
        3.5, true, null, Buffer.buffer(new byte[] {0, 1, 2}));
    Future<Void> chain = Future.succeededFuture();
    for (Object body : bodies) {
      chain = chain.compose(v -> vertx.eventBus().request("echo", body)
          .map(reply -> {
            ctx.verify(() -> assertEquals(body, reply.body()));
            return null;
          }));
    }
    chain.onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void repliesWithTheSameHeaders(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().request("echo", "hi", new DeliveryOptions().addHeader("trace", "t-1"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals("t-1", reply.headers().get("trace"));
          ctx.completeNow();
        })));
  }

  @Test
  void listensOnTheConfiguredAddress(Vertx vertx, VertxTestContext ctx) {
    vertx.deployVerticle(new EchoVerticle(), new DeploymentOptions().setConfig(new JsonObject().put("address", "echo.2")))
        .compose(id -> vertx.eventBus().<String>request("echo.2", "again"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals("again", reply.body());
          ctx.completeNow();
        })));
  }
}
