package io.conduit.bridge;

import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.client.StoreException;
import io.conduit.client.doc.DocStore;
import io.conduit.codec.ErrorCode;
import io.conduit.store.doc.DocStoreVerticle;
import io.conduit.web.WebVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One failure vocabulary: the same failure of the same store reads the same through every front
 * door (the event bus with the JVM store client, CBP/1 through the bridge, a Majordomo client,
 * REST {@code /api/call}): a missing path is NOT_FOUND, a held lock CONFLICT, a malformed op
 * BAD_REQUEST, each with the store's status; an address nobody serves NO_HANDLERS; no reply in
 * time TIMEOUT.
 */
@ExtendWith(VertxExtension.class)
class FailureVocabularyTest {

  private final BridgeFixture bridge = new BridgeFixture();
  private Vertx vertx;
  private WebClient web;
  private int webPort;
  private ConduitClient cbp;
  private BridgeMajordomoTest.MdpClient mdp;

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    this.vertx = vertx;
    await(vertx.deployVerticle(new DocStoreVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put("address", "docs").put("backend", "memory"))));
    // Majordomo requests carry no timeout of their own: the bridge's default is theirs
    bridge.deployAndWait(vertx, new JsonObject().put("defaultTimeoutMs", 1_000));
    WebVerticle console = new WebVerticle();
    await(vertx.deployVerticle(console, new DeploymentOptions().setConfig(new JsonObject().put("host", "127.0.0.1")
        .put("port", 0))));
    webPort = console.actualPort();
    web = WebClient.create(vertx);
    cbp = ConduitClient.connect(bridge.endpoint);
    mdp = new BridgeMajordomoTest.MdpClient(bridge.endpoint);
    await(vertx.eventBus().request("docs", new JsonObject().put("op", "set").put("path", new JsonArray().add("n"))
        .put("value", 1)));
  }

  @AfterEach
  void close() {
    cbp.close();
    mdp.close();
  }

  /** A failure, as each front door reports it: "CODE status". */
  private record Seen(String eventBus, String cbp, String mdp, String rest) {
  }

  /**
   * The failure of {@code request} to {@code address} through each front door; on the event bus
   * the JVM document store client makes the same request with {@code viaClient}.
   */
  private Seen through(String address, JsonObject request, Function<DocStore, CompletionStage<?>> viaClient)
      throws Exception {
    String eventBus;
    try {
      viaClient.apply(DocStore.overEventBus(vertx, address).withTimeout(Duration.ofMillis(800))).toCompletableFuture()
          .join();
      eventBus = "answered";
    } catch (CompletionException e) {
      StoreException s = (StoreException) e.getCause();
      eventBus = s.code() + " " + s.status();
    }
    String viaCbp;
    try {
      cbp.requestSync(address, request, Duration.ofMillis(800));
      viaCbp = "answered";
    } catch (ConduitException e) {
      viaCbp = e.code() + " " + e.details().getInteger("failureCode", e.code().status());
    }
    String viaMdp;
    java.util.List<byte[]> reply = mdp.call(address, request.toBuffer().getBytes(), 10_000);
    if (reply == null) {
      throw new AssertionError("no Majordomo reply from '" + address + "' within 10 s");
    }
    JsonObject error = new JsonObject(utf8(reply.get(2))).getJsonObject("error");
    viaMdp = error == null ? "answered" : error.getString("code") + " " + error.getInteger("failureCode",
        ErrorCode.valueOf(error.getString("code")).status());
    HttpResponse<Buffer> r = await(web.post(webPort, "127.0.0.1", "/api/call/" + address + "?timeoutMs=800")
        .putHeader("content-type", "application/json").sendBuffer(request.toBuffer()));
    String viaRest = r.statusCode() == 200 ? "answered" : r.bodyAsJsonObject().getString("code") + " "
        + r.bodyAsJsonObject().getInteger("failureCode", r.statusCode());
    return new Seen(eventBus, viaCbp, viaMdp, viaRest);
  }

  private void sameEverywhere(String expected, JsonObject request, Function<DocStore, CompletionStage<?>> viaClient)
      throws Exception {
    Seen seen = through("docs", request, viaClient);
    assertEquals(new Seen(expected, expected, expected, expected), seen, request.encode());
  }

  private static final Function<DocStore, CompletionStage<?>> GET = store -> store.get("missing");

  @Test
  void aStoresOwnStatusIsTheSameCodeThroughEveryFrontDoor() throws Exception {
    sameEverywhere("NOT_FOUND 404", new JsonObject().put("op", "get").put("path", new JsonArray().add("missing")), GET);
    sameEverywhere("BAD_REQUEST 400", new JsonObject().put("op", "append").put("path", new JsonArray().add("n"))
        .put("value", 2), store -> store.append(2, "n"));
    // someone else holds the lock: a write waits for it, and a wait cut short by the deadline is CONFLICT
    await(vertx.eventBus().request("docs", new JsonObject().put("op", "lock").put("ttlMs", 60_000)));
    sameEverywhere("CONFLICT 409", new JsonObject().put("op", "set").put("path", new JsonArray().add("x"))
        .put("value", 1), store -> store.set(1, "x"));
  }

  @Test
  void noConsumerAndNoReplyAreTheSameCodeThroughTheBridgeAndRest() throws Exception {
    Seen nobody = through("nobody.here", new JsonObject().put("op", "get"), GET);
    assertEquals("NO_HANDLERS 404", nobody.cbp());
    assertEquals("NO_HANDLERS 404", nobody.mdp());
    assertEquals("NO_HANDLERS 404", nobody.rest());
    assertEquals("NO_HANDLERS 503", nobody.eventBus(), "the store client's status for 'no store there'");
    Seen silent = through("silent", new JsonObject(), GET);
    assertEquals("TIMEOUT 504", silent.cbp());
    assertEquals("TIMEOUT 504", silent.mdp());
    assertEquals("TIMEOUT 504", silent.rest());
    assertEquals("TIMEOUT 504", silent.eventBus());
  }

  @Test
  void aStatusWithoutACodeOfItsOwnIsRecipientFailureWithTheStatus() throws Exception {
    vertx.eventBus().consumer("broken", m -> m.fail(500, "the service broke"));
    Seen seen = through("broken", new JsonObject(), GET);
    assertEquals(new Seen("RECIPIENT_FAILURE 500", "RECIPIENT_FAILURE 500", "RECIPIENT_FAILURE 500",
        "RECIPIENT_FAILURE 500"), seen);
    assertThrows(IllegalArgumentException.class, () -> ErrorCode.valueOf("nonsense"));
  }

  @Test
  void codesRoundTripThroughTheirStatusButNoHandlers() {
    for (ErrorCode c : ErrorCode.values()) {
      assertEquals(c == ErrorCode.NO_HANDLERS ? ErrorCode.NOT_FOUND : c, ErrorCode.forStatus(c.status()), c.name());
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
