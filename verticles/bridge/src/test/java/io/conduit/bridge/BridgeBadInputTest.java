package io.conduit.bridge;

import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.Command;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input gets the spec's error reply, and a second client keeps being served
 * during and after (checked after each test).
 */
@ExtendWith(VertxExtension.class)
class BridgeBadInputTest {

  private final BridgeFixture fixture = new BridgeFixture();
  private RawZmqClient bystander;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    fixture.deployAndWait(vertx, new JsonObject()
        .put("inbound", new io.vertx.core.json.JsonArray().add("echo").add("fail").add("recovering").add("silent").add("nobody")
            .add("docs").add("docs.ro").add("docs.changes").add(new JsonObject().put("regex", "open\\..*")))
        .put("reservedAddresses", new io.vertx.core.json.JsonArray().add("docs").add(new JsonObject().put("regex", "docs\\..+")))
        .put("maxMessageBytes", 4096)
        .put("maxInFlightPerClient", 5)
        .put("maxTimeoutMs", 300));
    bystander = RawZmqClient.dealer(fixture.endpoint);
  }

  @AfterEach
  void bystanderIsStillServed() {
    try (RawZmqClient c = bystander) {
      c.request("echo", "", "\"still here\"");
      assertEquals("\"still here\"", text(c.reply().get(4)));
    }
  }

  private static byte[][] request(String command, String id, String address, String headers, String body) {
    return new byte[][] {CbpFrames.SIGNATURE, utf8(command), utf8(id), utf8(address), utf8(headers), utf8(body)};
  }

  private void assertError(byte[][] frames, String code, String idExpected, String messagePart) {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(frames);
      List<byte[]> reply = c.reply();
      assertEquals("ERROR", text(reply.get(1)), RawZmqClient.describe(reply));
      assertEquals(idExpected, text(reply.get(2)));
      JsonObject body = new JsonObject(text(reply.get(4)));
      assertEquals(code, body.getString("code"), body.encode());
      assertTrue(body.getString("message").contains(messagePart), body.encode());
    }
  }

  @Test
  void everyFrameCountButSixIsABadRequestWithTheIdWhenReadable() {
    byte[][] full = request("REQUEST", "myid", "echo", "", "1");
    for (int n = 0; n <= 10; n++) {
      if (n == 6) {
        continue;
      }
      List<byte[]> frames = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        frames.add(i < full.length ? full[i] : utf8("extra"));
      }
      String expectedId = n >= 3 ? "myid" : "";
      String part = n == 0 ? "signature" : n == 1 ? "6 frames" : "this one has " + n;
      if (n == 0) {
        try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
          c.send(new byte[0][]);
          JsonObject body = c.error();
          assertEquals("BAD_REQUEST", body.getString("code"));
        }
        continue;
      }
      assertError(frames.toArray(new byte[0][]), "BAD_REQUEST", expectedId, part);
    }
  }

  @Test
  void aWrongSignatureIsRefused() {
    assertError(new byte[][] {utf8("CBP2"), utf8("REQUEST"), utf8("x"), utf8("echo"), utf8(""), utf8("1")},
        "BAD_REQUEST", "x", "first frame must be CBP1");
  }

  @Test
  void anUnknownCommandIsNamed() {
    assertError(request("FETCH", "c", "echo", "", "1"), "BAD_REQUEST", "c", "unknown command 'FETCH'");
  }

  @Test
  void headersThatAreNotJsonAreRefused() {
    assertError(request("REQUEST", "h", "echo", "{not json", "1"), "BAD_REQUEST", "h", "headers frame is not valid JSON");
  }

  @Test
  void headersThatAreNotAnObjectAreRefused() {
    assertError(request("REQUEST", "h", "echo", "[1,2]", "1"), "BAD_REQUEST", "h", "must be a JSON object");
  }

  @Test
  void aHeaderWithANonStringValueIsNamed() {
    assertError(request("REQUEST", "h", "echo", "{\"timeout\": 5}", "1"), "BAD_REQUEST", "h",
        "header 'timeout' must have a string value");
  }

  @Test
  void aBadTimeoutHeaderIsRefused() {
    assertError(request("REQUEST", "t", "echo", "{\"timeout\": \"soon\"}", "1"), "BAD_REQUEST", "t",
        "positive number of milliseconds");
  }

  @Test
  void aBodyThatIsNotJsonIsRefused() {
    assertError(request("REQUEST", "b", "echo", "", "{oops"), "BAD_REQUEST", "b", "body is not valid JSON");
  }

  @Test
  void anUnsupportedContentTypeIsRefused() {
    assertError(request("REQUEST", "b", "echo", "{\"content-type\": \"image/png\"}", "x"), "BAD_REQUEST", "b",
        "content-type 'image/png' is not supported");
  }

  @Test
  void aCorruptDeflateBodyIsRefused() {
    assertError(request("REQUEST", "z", "echo", "{\"content-encoding\": \"deflate\"}", "not zlib at all"),
        "BAD_REQUEST", "z", "deflate body");
  }

  @Test
  void aDeflateBombIsTooLargeOnceInflated() {
    byte[] bomb = io.conduit.codec.cbp.Bodies.deflate(utf8("\"" + "a".repeat(100_000) + "\""));
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(CbpFrames.request(Command.REQUEST, utf8("bomb"), "echo", utf8("{\"content-encoding\": \"deflate\"}"), bomb));
      JsonObject error = c.error();
      assertEquals("TOO_LARGE", error.getString("code"));
      assertEquals(4096, error.getInteger("limit"));
    }
  }

  @Test
  void anOversizeMessageIsTooLargeWithTheLimit() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(CbpFrames.request(Command.REQUEST, utf8("big"), "echo", new byte[0], utf8("\"" + "x".repeat(5000) + "\"")));
      List<byte[]> reply = c.reply();
      assertEquals("big", text(reply.get(2)));
      JsonObject error = new JsonObject(text(reply.get(4)));
      assertEquals("TOO_LARGE", error.getString("code"));
      assertEquals(4096, error.getInteger("limit"));
    }
  }

  @Test
  void anAddressWithoutConsumersIsNoHandlers() {
    assertError(request("REQUEST", "n", "nobody", "", "1"), "NO_HANDLERS", "n", "no consumer is registered for address 'nobody'");
  }

  @Test
  void aServiceOfTheDeploymentWithoutConsumerIsUnavailableWithARetryHint() {
    // "docs" is the node's own (reservedAddresses): starting, recovering or being replaced, not unknown
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(request("REQUEST", "u", "docs", "", "1"));
      JsonObject error = c.error();
      assertEquals("UNAVAILABLE", error.getString("code"));
      assertEquals(1000, error.getInteger("retryAfterMs"));
      assertTrue(error.getString("message").contains("'docs' is a service of this node's deployment"),
          error.getString("message"));
    }
  }

  @Test
  void replicaReadsOnAStandaloneNodeAreNoHandlersSayingWhyNotARetry() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(request("REQUEST", "r", "docs.ro", "", "1"));
      JsonObject error = c.error();
      assertEquals("NO_HANDLERS", error.getString("code"));
      assertNull(error.getValue("retryAfterMs"), "nothing will serve it here: no retry to suggest");
      assertTrue(error.getString("message").contains("the replica reads of 'docs' are answered by its standbys, which run "
          + "on the other nodes of a cluster, and this node is not in one (nor does it run a replica of its own right "
          + "now); read from 'docs'"), error.getString("message"));
    }
  }

  @Test
  void aSendToAServicesChangeStreamThatNobodyReadsIsNoHandlers() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(request("SEND", "s", "docs.changes", "", "1"));
      JsonObject error = c.error();
      assertEquals("NO_HANDLERS", error.getString("code"), error.encode());
      assertTrue(error.getString("message").contains("'docs.changes'"), error.getString("message"));
    }
  }

  @Test
  void anAddressOutsideTheAllowListIsForbidden() {
    assertError(request("REQUEST", "f", "secret", "", "1"), "FORBIDDEN", "f", "'secret' is not permitted");
    assertError(request("SEND", "f", "secret", "", "1"), "FORBIDDEN", "f", "not permitted");
    assertError(request("PUBLISH", "f", "secret", "", "1"), "FORBIDDEN", "f", "not permitted");
  }

  @Test
  void aRegexInTheAllowListPermitsMatchingAddresses() {
    assertError(request("REQUEST", "r", "open.door", "", "1"), "NO_HANDLERS", "r", "open.door");
  }

  @Test
  void aConsumerFailureCarriesItsCodeAndMessage() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(request("REQUEST", "x", "fail", "", "1"));
      JsonObject error = c.error();
      assertEquals("CONFLICT", error.getString("code"));
      assertEquals(409, error.getInteger("failureCode"));
      assertEquals("the resource is locked", error.getString("message"));
    }
  }

  @Test
  void aConsumerThatAsksForARetryWith503IsUnavailable() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(request("REQUEST", "u", "recovering", "", "1"));
      JsonObject error = c.error();
      assertEquals("UNAVAILABLE", error.getString("code"));
      assertEquals(503, error.getInteger("failureCode"));
      assertEquals("the store lost its lease; retry", error.getString("message"));
    }
  }

  @Test
  void aConsumerThatNeverRepliesTimesOutAtTheCappedTimeout() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(request("REQUEST", "slow", "silent", "{\"timeout\": \"60000\"}", "1"));
      JsonObject error = c.error();
      assertEquals("TIMEOUT", error.getString("code"));
      assertEquals(300, error.getLong("timeoutMs"));
    }
  }

  @Test
  void tooManyRequestsInFlightAreOverloadedWithTheLimit() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      for (int i = 0; i < 6; i++) {
        c.send(request("REQUEST", "o" + i, "silent", "", "1"));
      }
      List<byte[]> first = c.reply();
      assertEquals("o5", text(first.get(2)), "the sixth is refused at once, before the others time out");
      JsonObject error = new JsonObject(text(first.get(4)));
      assertEquals("OVERLOADED", error.getString("code"));
      assertEquals(5, error.getInteger("limit"));
      for (int i = 0; i < 5; i++) {
        assertEquals("TIMEOUT", new JsonObject(text(c.reply().get(4))).getString("code"));
      }
      c.send(request("REQUEST", "after", "echo", "", "2"));
      assertEquals("after", text(c.reply().get(2)), "slots are free again once replies went out");
    }
  }

  @Test
  void aMessageWithoutTheDelimiterIsStillAnswered() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.sendRaw(CbpFrames.request(Command.REQUEST, utf8("nodelim"), "echo", new byte[0], utf8("3")));
      List<byte[]> reply = c.reply();
      assertEquals("nodelim", text(reply.get(2)));
      assertEquals("3", text(reply.get(4)));
    }
  }

  @Test
  void anIdLongerThan255BytesIsRefusedWithAnEmptyId() {
    assertError(request("REQUEST", "i".repeat(300), "echo", "", "1"), "BAD_REQUEST", "", "at most 255");
  }

  @Test
  void aClientThatDisconnectsWithRequestsInFlightHarmsNobody(Vertx vertx) {
    RawZmqClient leaver = RawZmqClient.dealer(fixture.endpoint);
    for (int i = 0; i < 5; i++) {
      leaver.send(request("REQUEST", "l" + i, "silent", "", "1"));
    }
    leaver.close();
    // Their timeouts fire after the client is gone; the slots are released and nothing breaks.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (fixture.bridge.stats().inFlight() > 0 && System.nanoTime() < deadline) {
      bystander.request("echo", "", "0");
      bystander.reply();
    }
    assertEquals(0, fixture.bridge.stats().inFlight());
  }
}
