package io.conduit.deploy;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Node control with the console's token: a request without the header, or with another token, changes nothing. */
@ExtendWith(VertxExtension.class)
class NodeControlTokenTest {

  private static final String TOKEN = "0123456789abcdef-console-token";

  private RunningServices services;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    services = new RunningServices(vertx);
    services.deploy(new DeploymentPlan(List.of(Pong.spec("fixed", 1))))
        .compose(v -> new NodeControl(services, TOKEN).register())
        .onComplete(ctx.succeedingThenComplete());
  }

  private static DeliveryOptions withHeader(String value) {
    return new DeliveryOptions().addHeader(NodeControl.AUTHORIZATION, value);
  }

  @Test
  void aRequestWithoutTheTokenIsForbiddenAndChangesNothing(Vertx vertx, VertxTestContext ctx) {
    JsonObject stop = new JsonObject().put("op", "stop").put("name", "fixed");
    vertx.eventBus().request(NodeControl.address(vertx), stop)
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          ReplyException reply = assertInstanceOf(ReplyException.class, e);
          assertEquals(403, reply.failureCode());
          assertTrue(reply.getMessage().contains("authorization: Bearer <token>"), reply.getMessage());
        })))
        .recover(e -> vertx.eventBus().request(NodeControl.address(vertx), stop, withHeader("Bearer not-the-token-123456")))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertEquals(403, ((ReplyException) e).failureCode());
          assertTrue(services.list().get(0).running(), "the service still runs");
          ctx.completeNow();
        })));
  }

  @Test
  void aRequestWithTheTokenIsServed(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<JsonObject>request(NodeControl.address(vertx), new JsonObject().put("op", "stop").put("name", "fixed"),
            withHeader(NodeControl.bearer(TOKEN)))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals("stopped", reply.body().getString("state"));
          ctx.completeNow();
        })));
  }
}
