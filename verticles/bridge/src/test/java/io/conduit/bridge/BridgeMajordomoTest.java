package io.conduit.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;

import static io.conduit.bridge.RawZmqClient.text;
import static io.conduit.bridge.RawZmqClient.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stock Majordomo (MDP/0.1, RFC 7) client on a REQ socket talks to event-bus services. */
@ExtendWith(VertxExtension.class)
class BridgeMajordomoTest {

  private final BridgeFixture fixture = new BridgeFixture();

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    fixture.deployAndWait(vertx, new JsonObject().put("defaultTimeoutMs", 500));
  }

  /** A Majordomo client as RFC 7 describes it: REQ socket, "MDPC01", service, body; one at a time. */
  static final class MdpClient implements AutoCloseable {
    private final ZContext context = new ZContext(1);
    private final String endpoint;
    private ZMQ.Socket socket;

    MdpClient(String endpoint) {
      this.endpoint = endpoint;
      // Prove the socket answers (fresh JeroMQ clients sometimes never do), as an MDP client's retry would.
      for (int attempt = 0; attempt < 20; attempt++) {
        socket = context.createSocket(SocketType.REQ);
        socket.setLinger(0);
        socket.connect(endpoint);
        if (call("mmi.service", utf8("echo"), attempt < 3 ? 500 : 1500) != null) {
          return;
        }
        context.destroySocket(socket);
      }
      throw new AssertionError("no Majordomo reply from " + endpoint);
    }

    List<byte[]> call(String service, byte[] body, long timeoutMs) {
      socket.sendMore("MDPC01");
      socket.sendMore(service);
      socket.send(body, 0);
      return RawZmqClient.receive(context, socket, timeoutMs);
    }

    List<byte[]> call(String service, String body) {
      List<byte[]> reply = call(service, utf8(body), 10_000);
      assertNotNull(reply, "no reply from " + service);
      return reply;
    }

    @Override
    public void close() {
      context.close();
    }
  }

  @Test
  void aMajordomoClientGetsTheServicesReply() {
    try (MdpClient c = new MdpClient(fixture.endpoint)) {
      List<byte[]> reply = c.call("echo", "{\"x\": 1}");
      assertEquals(3, reply.size());
      assertEquals("MDPC01", text(reply.get(0)));
      assertEquals("echo", text(reply.get(1)));
      assertEquals(new JsonObject().put("x", 1), new JsonObject(text(reply.get(2))));
    }
  }

  @Test
  void aBodyThatIsNotJsonTravelsAsBytes() {
    try (MdpClient c = new MdpClient(fixture.endpoint)) {
      List<byte[]> reply = c.call("echo", "plain bytes");
      assertEquals("plain bytes", text(reply.get(2)));
    }
  }

  @Test
  void mmiServiceTellsWhetherAServiceExists() {
    try (MdpClient c = new MdpClient(fixture.endpoint)) {
      assertEquals("200", text(c.call("mmi.service", "echo").get(2)));
      assertEquals("404", text(c.call("mmi.service", "nobody.here").get(2)));
      assertEquals("501", text(c.call("mmi.echo", "x").get(2)));
    }
  }

  @Test
  void failuresComeBackAsAnErrorObject() {
    try (MdpClient c = new MdpClient(fixture.endpoint)) {
      JsonObject error = new JsonObject(text(c.call("fail", "1").get(2))).getJsonObject("error");
      assertEquals("CONFLICT", error.getString("code"));
      assertEquals(409, error.getInteger("failureCode"));
      error = new JsonObject(text(c.call("nobody", "1").get(2))).getJsonObject("error");
      assertEquals("NO_HANDLERS", error.getString("code"));
      error = new JsonObject(text(c.call("silent", "1").get(2))).getJsonObject("error");
      assertEquals("TIMEOUT", error.getString("code"));
    }
  }

  @Test
  void aMalformedMajordomoRequestIsAnswered() {
    try (RawZmqClient c = RawZmqClient.dealer(fixture.endpoint)) {
      c.send(utf8("MDPC01"));
      List<byte[]> reply = c.reply();
      assertEquals("MDPC01", text(reply.get(0)));
      JsonObject error = new JsonObject(text(reply.get(2))).getJsonObject("error");
      assertEquals("BAD_REQUEST", error.getString("code"));
      assertTrue(error.getString("message").contains("service frame"));
      c.send(utf8("MDPC01"), new byte[0], utf8("1"));
      assertEquals("BAD_REQUEST", new JsonObject(text(c.reply().get(2))).getJsonObject("error").getString("code"));
    }
  }
}
