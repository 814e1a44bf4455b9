package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.mdp.Mdp;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Error replies in the protocol the client spoke: CBP/1 {@code ERROR} frames, or for a Majordomo
 * client {@code "MDPC01" service {"error": {...}}}. The id (CBP) or service (MDP) is taken from the
 * request whenever it can be read, else left empty.
 */
final class ErrorReplies {

  private ErrorReplies() {
  }

  static byte[][] forRequest(List<byte[]> frames, ErrorCode code, String message, JsonObject extra) {
    if (!frames.isEmpty() && Mdp.isClient(frames.get(0))) {
      byte[] service = frames.size() > 1 ? frames.get(1) : CbpFrames.EMPTY;
      return mdp(service, code, message, extra);
    }
    byte[] id = frames.size() >= 3 && CbpFrames.isCbp(frames.get(0)) && frames.get(2).length <= CbpFrames.MAX_ID_BYTES
        ? frames.get(2) : CbpFrames.EMPTY;
    return CbpFrames.error(id, code, message, extra);
  }

  static byte[][] mdp(byte[] service, ErrorCode code, String message, JsonObject extra) {
    JsonObject error = CbpFrames.errorBody(code, message, extra);
    return new byte[][] {Mdp.CLIENT, service, new JsonObject().put("error", error).toBuffer().getBytes()};
  }
}
