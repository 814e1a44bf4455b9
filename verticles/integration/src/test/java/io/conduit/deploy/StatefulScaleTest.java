package io.conduit.deploy;

import io.conduit.codec.ErrorCode;
import io.conduit.store.doc.DocStoreVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stateful service (a store) is not scaled above one instance: a second would only stand by. */
@ExtendWith(VertxExtension.class)
class StatefulScaleTest {

  @Test
  void scalingAStoreAboveOneIsAConflictThatSaysWhy(Vertx vertx) throws Exception {
    RunningServices services = new RunningServices(vertx);
    ServiceSpec docs = new ServiceSpec("docs", DocStoreVerticle.class.getName(), Instances.fixed(1), Threading.EVENT_LOOP,
        new JsonObject().put("address", "docs").put("backend", "memory"));
    services.deploy(new DeploymentPlan(List.of(docs, Pong.spec("p", 1))))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> services.scale("docs", 2).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    ServiceOperationException refused = assertInstanceOf(ServiceOperationException.class, e.getCause());
    assertEquals(ErrorCode.CONFLICT, refused.code());
    assertTrue(refused.getMessage().contains("'docs' is stateful"), refused.getMessage());
    assertEquals(2, services.scale("p", 2).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).now(),
        "a stateless service scales as before");
  }
}
