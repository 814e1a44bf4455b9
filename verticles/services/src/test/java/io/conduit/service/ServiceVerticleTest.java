package io.conduit.service;

import io.conduit.codec.ErrorCode;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class ServiceVerticleTest {

  /** A service with one op of each shape. */
  public static class Calculator extends ServiceVerticle {
    public JsonObject add(JsonObject args) {
      return new JsonObject().put("sum", args.getInteger("a") + args.getInteger("b"));
    }

    public Buffer reverse(Buffer bytes) {
      byte[] in = bytes.getBytes();
      byte[] out = new byte[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = in[in.length - 1 - i];
      }
      return Buffer.buffer(out);
    }

    public Future<JsonArray> later() {
      return vertx.timer(1).map(t -> new JsonArray().add(1).add(2));
    }

    public int answer() {
      return 42;
    }

    public void nothing() {
    }

    public String divide(JsonObject args) {
      int b = args.getInteger("b");
      if (b == 0) {
        throw new IllegalArgumentException("b must not be 0");
      }
      return Integer.toString(args.getInteger("a") / b);
    }

    public String lookup(JsonObject args) {
      throw new ServiceException(ErrorCode.NOT_FOUND, "no entry '" + args.getString("key") + "'");
    }

    public String crash() {
      throw new IllegalStateException("the disk is on fire");
    }

    public Future<String> crashLater() {
      return Future.failedFuture(new ServiceException(ErrorCode.CONFLICT, "locked"));
    }

    /** Not public: never an op. */
    String hidden() {
      return "secret";
    }

    public static String utility() {
      return "static";
    }
  }

  /** Two methods with one name: refused at start. */
  public static class Overloaded extends ServiceVerticle {
    public String twice() {
      return "a";
    }

    public String twice(JsonObject args) {
      return "b";
    }
  }

  /** A parameter type that cannot be an op. */
  public static class BadSignature extends ServiceVerticle {
    public String greet(String name) {
      return "hi " + name;
    }
  }

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void addMeters() {
    Metrics.globalRegistry.add(meters);
  }

  @AfterEach
  void removeMeters() {
    Metrics.globalRegistry.remove(meters);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void deploy(Vertx vertx, ServiceVerticle service, String address) throws Exception {
    await(vertx.deployVerticle(service, new DeploymentOptions().setConfig(new JsonObject().put("address", address))));
  }

  private static Object call(Vertx vertx, String address, Object body) throws Exception {
    return await(vertx.eventBus().request(address, body)).body();
  }

  private static ReplyException failure(Vertx vertx, String address, Object body, DeliveryOptions options) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(vertx.eventBus().request(address, body, options)));
    return assertInstanceOf(ReplyException.class, e.getCause());
  }

  private static ReplyException failure(Vertx vertx, String address, Object body) {
    return failure(vertx, address, body, new DeliveryOptions());
  }

  @Test
  void aJsonOpGetsTheRequestAndRepliesWithItsResult(Vertx vertx) throws Exception {
    deploy(vertx, new Calculator(), "calc");
    assertEquals(new JsonObject().put("sum", 5), call(vertx, "calc", new JsonObject().put("op", "add").put("a", 2).put("b", 3)));
  }

  @Test
  void aBinaryOpTakesBytesWithTheOpInAHeader(Vertx vertx) throws Exception {
    deploy(vertx, new Calculator(), "calc");
    Object reply = await(vertx.eventBus().request("calc", Buffer.buffer(new byte[] {1, 2, 3}),
        new DeliveryOptions().addHeader("op", "reverse"))).body();
    assertEquals(Buffer.buffer(new byte[] {3, 2, 1}), reply);
  }

  @Test
  void futuresNumbersAndVoidAreReplies(Vertx vertx) throws Exception {
    deploy(vertx, new Calculator(), "calc");
    assertEquals(new JsonArray().add(1).add(2), call(vertx, "calc", new JsonObject().put("op", "later")));
    assertEquals(42, call(vertx, "calc", new JsonObject().put("op", "answer")));
    assertNull(call(vertx, "calc", new JsonObject().put("op", "nothing")));
  }

  @Test
  void anUnknownOpIsABadRequestListingTheOps(Vertx vertx) throws Exception {
    deploy(vertx, new Calculator(), "calc");
    ReplyException e = failure(vertx, "calc", new JsonObject().put("op", "format_disk"));
    assertEquals(400, e.failureCode());
    assertEquals("service 'calc' has no op 'format_disk'; its ops are add, answer, crash, crashLater, divide, "
        + "later, lookup, nothing, reverse", e.getMessage());
    assertEquals(42, call(vertx, "calc", new JsonObject().put("op", "answer")), "still serving");
  }

  @Test
  void inheritedAndNonPublicMethodsAreNotOps(Vertx vertx) throws Exception {
    deploy(vertx, new Calculator(), "calc");
    for (String name : new String[] {"hidden", "utility", "stop", "start", "toString", "hashCode", "getClass",
        "config", "address", "setUp", "deploymentID", "wait", "notify"}) {
      ReplyException e = failure(vertx, "calc", new JsonObject().put("op", name));
      assertEquals(400, e.failureCode(), name);
      assertTrue(e.getMessage().contains("has no op '" + name + "'"), e.getMessage());
    }
  }

  @Test
  void aRequestWithoutAnOpIsABadRequest(Vertx vertx) throws Exception {
    deploy(vertx, new Calculator(), "calc");
    ReplyException e = failure(vertx, "calc", new JsonObject().put("a", 1));
    assertEquals(400, e.failureCode());
    assertTrue(e.getMessage().startsWith("no op given to service 'calc'"), e.getMessage());
    assertEquals(400, failure(vertx, "calc", "just text").failureCode());
  }

  @Test
  void theWrongKindOfBodyIsABadRequest(Vertx vertx) throws Exception {
    deploy(vertx, new Calculator(), "calc");
    ReplyException e = failure(vertx, "calc", Buffer.buffer("x"), new DeliveryOptions().addHeader("op", "add"));
    assertEquals(400, e.failureCode());
    assertEquals("op 'add' of service 'calc' takes a JSON object", e.getMessage());
    ReplyException bytes = failure(vertx, "calc", new JsonObject().put("op", "reverse"));
    assertEquals(400, bytes.failureCode());
    assertTrue(bytes.getMessage().startsWith("op 'reverse' of service 'calc' takes bytes"), bytes.getMessage());
  }

  @Test
  void exceptionsBecomeCodedFailures(Vertx vertx) throws Exception {
    deploy(vertx, new Calculator(), "calc");
    ReplyException bad = failure(vertx, "calc", new JsonObject().put("op", "divide").put("a", 1).put("b", 0));
    assertEquals(400, bad.failureCode());
    assertEquals("b must not be 0", bad.getMessage());
    ReplyException missing = failure(vertx, "calc", new JsonObject().put("op", "lookup").put("key", "k"));
    assertEquals(404, missing.failureCode());
    assertEquals("no entry 'k'", missing.getMessage());
    ReplyException crash = failure(vertx, "calc", new JsonObject().put("op", "crash"));
    assertEquals(500, crash.failureCode());
    assertEquals("the disk is on fire", crash.getMessage());
    ReplyException later = failure(vertx, "calc", new JsonObject().put("op", "crashLater"));
    assertEquals(409, later.failureCode());
    ReplyException npe = failure(vertx, "calc", new JsonObject().put("op", "divide"));
    assertEquals(500, npe.failureCode(), "a missing argument surfaces as a 500, not a crash");
    assertEquals(42, call(vertx, "calc", new JsonObject().put("op", "answer")), "still serving");
  }

  @Test
  void everyOpHasCallAndErrorMetersInTheGlobalRegistry(Vertx vertx) throws Exception {
    deploy(vertx, new Calculator(), "metered");
    for (int i = 0; i < 3; i++) {
      call(vertx, "metered", new JsonObject().put("op", "add").put("a", i).put("b", 1));
    }
    failure(vertx, "metered", new JsonObject().put("op", "crash"));
    Timer add = meters.get("conduit.service.op.calls").tags("service", "metered", "op", "add").timer();
    assertEquals(3, add.count());
    assertTrue(add.totalTime(TimeUnit.NANOSECONDS) > 0);
    assertEquals(2, add.takeSnapshot().percentileValues().length, "p50 and p99 are published");
    assertEquals(0, meters.get("conduit.service.op.errors").tags("service", "metered", "op", "add").counter().count());
    assertEquals(1, meters.get("conduit.service.op.errors").tags("service", "metered", "op", "crash").counter().count());
    assertEquals(1, meters.get("conduit.service.op.calls").tags("service", "metered", "op", "crash").timer().count());
  }

  @Test
  void twoMethodsWithOneNameFailTheStart(Vertx vertx) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> deploy(vertx, new Overloaded(), "o"));
    assertTrue(e.getCause().getMessage().contains("op 'twice' is declared twice"), e.getCause().getMessage());
  }

  @Test
  void anUnsupportedParameterFailsTheStartNamingTheMethod(Vertx vertx) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> deploy(vertx, new BadSignature(), "b"));
    assertTrue(e.getCause().getMessage().startsWith(BadSignature.class.getName() + ".greet: an op takes no parameter"),
        e.getCause().getMessage());
  }

  @Test
  void aMissingAddressFailsTheStart(Vertx vertx) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(vertx.deployVerticle(new Calculator(), new DeploymentOptions())));
    assertTrue(e.getCause().getMessage().endsWith("config 'address' is required, the event-bus address the service "
        + "answers on"), e.getCause().getMessage());
  }
}
