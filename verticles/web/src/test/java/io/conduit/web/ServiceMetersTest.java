package io.conduit.web;

import io.conduit.pipeline.PipelineJob;
import io.conduit.pipeline.PipelineVerticle;
import io.conduit.store.owner.LocalOwners;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Any consumer's requests are measured per address, without changing the consumer. */
@ExtendWith(VertxExtension.class)
class ServiceMetersTest {

  @Test
  void repliesAreCountedWithLatencyAndFailuresByCode(Vertx vertx) throws Exception {
    NodeMonitor monitor = NodeMonitor.install(vertx, id -> null, name -> List.of());
    vertx.eventBus().consumer("plain", m -> vertx.setTimer(5, t -> m.reply("ok")));
    vertx.eventBus().consumer("picky", m -> m.fail(409, "locked"));
    for (int i = 0; i < 20; i++) {
      WebFixture.await(vertx.eventBus().request("plain", "x"));
    }
    for (int i = 0; i < 3; i++) {
      WebFixture.await(vertx.eventBus().request("picky", "x").otherwiseEmpty());
    }
    JsonObject plain = monitor.meters("plain");
    assertEquals(20L, plain.getLong("requests"));
    assertEquals(0L, plain.getLong("errors"));
    assertTrue(plain.getDouble("p50Ms") >= 4.0, plain.encode());
    assertTrue(plain.getDouble("perSecond") > 0, plain.encode());
    JsonObject picky = monitor.meters("picky");
    assertEquals(3L, picky.getLong("requests"));
    assertEquals(3L, picky.getJsonObject("errorsByCode").getLong("CONFLICT"));
  }

  @Test
  void directCallsToAStoreOwnedHereAreCountedLikeEventBusRequests(Vertx vertx) throws Exception {
    NodeMonitor monitor = NodeMonitor.install(vertx, id -> null, name -> List.of());
    LocalOwners owners = LocalOwners.of(vertx);
    Context store = vertx.getOrCreateContext();
    CompletableFuture<Void> done = new CompletableFuture<>();
    store.runOnContext(v -> {
      owners.serve("kv", m -> {
        if ("bad".equals(m.body())) {
          m.fail(409, "locked");
        } else {
          vertx.setTimer(5, t -> m.reply("ok"));
        }
      });
      List<Future<Message<Object>>> calls = new ArrayList<>();
      for (String body : List.of("x", "x", "bad")) {
        Promise<Message<Object>> outcome = Promise.promise();
        owners.call("kv", body, null, 5000, outcome);
        calls.add(outcome.future());
      }
      Future.join(calls).onComplete(ar -> done.complete(null));
    });
    done.get(10, TimeUnit.SECONDS);
    JsonObject kv = monitor.meters("kv");
    assertEquals(3L, kv.getLong("requests"), kv.encode());
    assertEquals(1L, kv.getJsonObject("errorsByCode").getLong("CONFLICT"), kv.encode());
    assertTrue(kv.getDouble("p99Ms") >= 4.0, kv.encode());
  }

  @Test
  void messagesWithoutReplyAreNotRequests(Vertx vertx) throws Exception {
    NodeMonitor monitor = NodeMonitor.install(vertx, id -> null, name -> List.of());
    vertx.eventBus().consumer("events", m -> { });
    vertx.eventBus().send("events", "x");
    vertx.eventBus().publish("events", "y");
    WebFixture.await(vertx.eventBus().request(NodeMonitor.address(monitor.nodeId()), new JsonObject().put("op", "info")));
    assertEquals(0L, monitor.meters("events").getLong("requests"));
  }

  @Test
  void monitorRefusesUnknownOps(Vertx vertx) {
    NodeMonitor monitor = NodeMonitor.install(vertx, id -> null, name -> List.of());
    var failure = vertx.eventBus().request(NodeMonitor.address(monitor.nodeId()), new JsonObject().put("op", "exec"),
        new DeliveryOptions().setSendTimeout(5000));
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> WebFixture.await(failure));
    assertTrue(e.getCause().getMessage().contains("unknown op 'exec'"), e.getCause().getMessage());
  }

  @Test
  void pipelineJobsAreMeasuredAtEachStageThatPassesThemOn(Vertx vertx) throws Exception {
    NodeMonitor monitor = NodeMonitor.install(vertx, id -> null, name -> List.of());
    vertx.eventBus().consumer("st.1", m -> vertx.setTimer(5, t -> PipelineJob.of(m).pass(vertx.eventBus(), m.body())));
    vertx.eventBus().consumer("st.2", m -> {
      if ("bad".equals(m.body())) {
        PipelineJob.of(m).fail(vertx.eventBus(), 409, "locked");
      } else {
        PipelineJob.of(m).pass(vertx.eventBus(), m.body());
      }
    });
    JsonObject config = new JsonObject().put("name", "st").put("stages", new JsonArray()
        .add(new JsonObject().put("address", "st.1")).add(new JsonObject().put("address", "st.2")));
    WebFixture.await(vertx.deployVerticle(new PipelineVerticle(), new DeploymentOptions().setConfig(config)));
    for (int i = 0; i < 10; i++) {
      WebFixture.await(vertx.eventBus().request("pipeline.st", "x"));
    }
    WebFixture.await(vertx.eventBus().request("pipeline.st", "bad").otherwiseEmpty());
    JsonObject first = monitor.meters("st.1");
    assertEquals(11L, first.getLong("requests"));
    assertTrue(first.getDouble("p50Ms") >= 4.0, first.encode());
    JsonObject second = monitor.meters("st.2");
    assertEquals(11L, second.getLong("requests"));
    assertEquals(1L, second.getJsonObject("errorsByCode").getLong("CONFLICT"));
    assertEquals(11L, monitor.meters("pipeline.st").getLong("requests"));
    JsonObject all = (JsonObject) WebFixture.await(vertx.eventBus().request(NodeMonitor.address(monitor.nodeId()),
        new JsonObject().put("op", "meters"))).body();
    Set<String> addresses = all.getJsonObject("addresses").fieldNames();
    assertTrue(addresses.stream().noneMatch(a -> a.startsWith("pipeline.st.results")),
        "a job's outcome is not a request: " + addresses);
  }
}
