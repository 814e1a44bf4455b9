package io.conduit.deploy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's control point at {@code conduit.node.<id>}: its operations, their errors, their events. */
@ExtendWith(VertxExtension.class)
class NodeControlTest {

  private RunningServices services;

  @BeforeAll
  static void metrics() {
    // The global registry counts nothing until a real registry joins it (the web console adds Prometheus).
    Metrics.addRegistry(new SimpleMeterRegistry());
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    services = new RunningServices(vertx);
    services.deploy(new DeploymentPlan(List.of(Pong.spec("ranged", new Instances(1, 3)), Pong.spec("fixed", 1))))
        .compose(v -> new NodeControl(services).register())
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<JsonObject> control(Vertx vertx, Object request) {
    return vertx.eventBus().<JsonObject>request(NodeControl.address(vertx), request).map(Message::body);
  }

  private static void assertFailed(Throwable e, int status, String message) {
    ReplyException reply = assertInstanceOf(ReplyException.class, e);
    assertEquals(status, reply.failureCode());
    assertEquals(message, reply.getMessage());
  }

  @Test
  void aStandaloneNodeAnswersAtConduitNodeStandalone(Vertx vertx) {
    assertEquals("standalone", NodeControl.nodeId(vertx));
    assertEquals("conduit.node.standalone", NodeControl.address(vertx));
    assertEquals(List.of("standalone"), NodeControl.nodeIds(vertx));
  }

  @Test
  void servicesListsEveryServiceInTheDocumentedShape(Vertx vertx, VertxTestContext ctx) {
    control(vertx, new JsonObject().put("op", "services")).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals("standalone", reply.getString("node"));
      JsonArray list = reply.getJsonArray("services");
      assertEquals(2, list.size());
      assertEquals(new JsonObject().put("name", "ranged").put("verticle", Pong.class.getName())
          .put("address", "ranged").put("instances", new JsonObject().put("now", 1).put("min", 1).put("max", 3))
          .put("threading", "event-loop").put("state", "running").put("scalable", true), list.getJsonObject(0));
      assertEquals("fixed", list.getJsonObject(1).getString("name"));
      assertEquals(false, list.getJsonObject(1).getBoolean("scalable"));
      ctx.completeNow();
    })));
  }

  @Test
  void aServiceWithoutAnAddressShowsNull() {
    ServiceInfo info = new ServiceInfo("silent", "a.B", null, 1, 1, 1, Threading.WORKER, true, false);
    assertTrue(info.toJson().containsKey("address"));
    assertNull(info.toJson().getValue("address"));
    assertEquals(info, ServiceInfo.fromJson(info.toJson()));
  }

  @Test
  void scaleAnswersWithTheServiceAfterTheChange(Vertx vertx, VertxTestContext ctx) {
    control(vertx, new JsonObject().put("op", "scale").put("name", "ranged").put("instances", 3))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertEquals(3, reply.getJsonObject("instances").getInteger("now"));
          assertEquals(3, services.deploymentIds("ranged").size());
          assertEquals(5, vertx.deploymentIDs().size(), "4 instances and the control point");
          ctx.completeNow();
        })));
  }

  @Test
  void stopAndStartAnswerWithTheState(Vertx vertx, VertxTestContext ctx) {
    control(vertx, new JsonObject().put("op", "stop").put("name", "fixed"))
        .compose(stopped -> {
          ctx.verify(() -> assertEquals("stopped", stopped.getString("state")));
          return control(vertx, new JsonObject().put("op", "start").put("name", "fixed"));
        })
        .onComplete(ctx.succeeding(started -> ctx.verify(() -> {
          assertEquals("running", started.getString("state"));
          assertEquals(1, started.getJsonObject("instances").getInteger("now"));
          ctx.completeNow();
        })));
  }

  @Test
  void anUnknownServiceIs404(Vertx vertx, VertxTestContext ctx) {
    control(vertx, new JsonObject().put("op", "stop").put("name", "nope"))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertFailed(e, 404, "no service 'nope' on this node");
          ctx.completeNow();
        })));
  }

  @Test
  void aCountOutsideTheRangeIs400NamingTheRange(Vertx vertx, VertxTestContext ctx) {
    control(vertx, new JsonObject().put("op", "scale").put("name", "ranged").put("instances", 4))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertFailed(e, 400, "instances: service 'ranged' scales within 1..3, got 4");
          ctx.completeNow();
        })));
  }

  @Test
  void scalingAStoppedServiceIs409(Vertx vertx, VertxTestContext ctx) {
    control(vertx, new JsonObject().put("op", "stop").put("name", "ranged"))
        .compose(v -> control(vertx, new JsonObject().put("op", "scale").put("name", "ranged").put("instances", 2)))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertFailed(e, 409, "service 'ranged' is stopped; start it before scaling it");
          ctx.completeNow();
        })));
  }

  @Test
  void malformedRequestsAre400NamingTheField(Vertx vertx, VertxTestContext ctx) {
    List<Object> requests = List.of(
        "services",
        new JsonObject(),
        new JsonObject().put("op", "explode"),
        new JsonObject().put("op", "stop"),
        new JsonObject().put("op", "scale").put("name", "ranged"),
        new JsonObject().put("op", "scale").put("name", "ranged").put("instances", "2"),
        new JsonObject().put("op", "scale").put("name", "ranged").put("instances", 0));
    List<String> expected = List.of(
        "the request must be a JSON object with an 'op', e.g. {\"op\": \"services\"}",
        "op: must be one of services, scale, stop, start, got null",
        "op: must be one of services, scale, stop, start, got explode",
        "name: required for 'stop', the name of a service",
        "instances: required for 'scale', a whole number, got null",
        "instances: required for 'scale', a whole number, got 2",
        "instances: must be at least 1, got 0");
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < requests.size(); i++) {
      int n = i;
      chain = chain.compose(v -> control(vertx, requests.get(n)).transform(result -> {
        ctx.verify(() -> {
          assertTrue(result.failed(), "request " + requests.get(n) + " was answered " + result.result());
          assertFailed(result.cause(), 400, expected.get(n));
        });
        return Future.<Void>succeededFuture();
      }));
    }
    chain.compose(v -> control(vertx, new JsonObject().put("op", "services")))
        .onComplete(ctx.succeeding(stillServing -> ctx.verify(() -> {
          assertEquals(2, stillServing.getJsonArray("services").size());
          ctx.completeNow();
        })));
  }

  @Test
  void everyChangeIsPublishedWithItsReason(Vertx vertx, VertxTestContext ctx) {
    List<ScaleEvent> events = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(ScaleEvent.ADDRESS, m -> events.add(ScaleEvent.fromJson(m.body())))
        .completion()
        .compose(v -> control(vertx, new JsonObject().put("op", "scale").put("name", "ranged").put("instances", 3)))
        .compose(v -> control(vertx, new JsonObject().put("op", "stop").put("name", "ranged")))
        .compose(v -> control(vertx, new JsonObject().put("op", "start").put("name", "ranged")))
        .onComplete(ctx.succeeding(v -> vertx.setPeriodic(20, id -> {
          if (events.size() < 3) {
            return;
          }
          vertx.cancelTimer(id);
          ctx.verify(() -> {
            assertEquals(List.of("1->3 set to 3 on request", "3->0 stopped on request", "0->3 started on request"),
                events.stream().map(e -> e.from() + "->" + e.to() + " " + e.reason()).toList());
            assertTrue(events.stream().allMatch(e -> e.node().equals("standalone") && e.service().equals("ranged")));
            ctx.completeNow();
          });
        })));
  }

  @Test
  void changesAreCountedAndTheInstancesGaugeFollows(Vertx vertx, VertxTestContext ctx) {
    double before = upEvents("fixed");
    control(vertx, new JsonObject().put("op", "scale").put("name", "fixed").put("instances", 2))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(before + 1, upEvents("fixed"));
          Gauge gauge = Metrics.globalRegistry.find("conduit.service.instances").tag("service", "fixed").gauge();
          assertEquals(2.0, gauge.value());
          ctx.completeNow();
        })));
  }

  private static double upEvents(String service) {
    Counter c = Metrics.globalRegistry.find("conduit.scale.events").tag("service", service).tag("direction", "up")
        .counter();
    return c == null ? 0 : c.count();
  }
}
