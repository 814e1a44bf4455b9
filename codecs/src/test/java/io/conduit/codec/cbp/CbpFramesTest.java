package io.conduit.codec.cbp;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CbpFramesTest {

  @Test
  void aRequestRoundTrips() throws CbpException {
    byte[][] frames = CbpFrames.request(Command.REQUEST, new byte[] {9}, "echo",
        Headers.encode(Map.of("trace", "t1")), "{}".getBytes(StandardCharsets.UTF_8));
    CbpRequest r = CbpFrames.parseRequest(List.of(frames));
    assertEquals(Command.REQUEST, r.command());
    assertArrayEquals(new byte[] {9}, r.id());
    assertEquals("echo", r.address());
    assertEquals(Map.of("trace", "t1"), r.headers());
  }

  @Test
  void anErrorReplyRoundTripsWithItsCodeAndExtraFields() throws CbpException {
    byte[][] frames = CbpFrames.error(new byte[] {1, 2}, ErrorCode.TOO_LARGE, "too big", new JsonObject().put("limit", 10));
    CbpReply reply = CbpFrames.parseReply(List.of(frames));
    assertFalse(reply.ok());
    assertArrayEquals(new byte[] {1, 2}, reply.id());
    assertEquals(ErrorCode.TOO_LARGE, reply.errorCode());
    assertEquals(10, reply.errorBody().getInteger("limit"));
  }

  @Test
  void aRequestWithTooFewFramesIsRefusedWithItsId() {
    CbpException e = assertThrows(CbpException.class, () -> CbpFrames.parseRequest(List.of(CbpFrames.SIGNATURE,
        Command.PING.wire(), new byte[] {5})));
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertArrayEquals(new byte[] {5}, e.id());
    assertTrue(e.getMessage().contains("has 3"), e.getMessage());
  }
}
