package io.conduit.codec.cbp;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The CBP/1 frame layout (see docs/protocol.md): requests are {@code CBP1 command id address headers
 * body}, replies {@code CBP1 status id headers body}. Frames are counted after the ROUTER identity
 * and after a REQ client's empty delimiter.
 */
public final class CbpFrames {

  public static final byte[] SIGNATURE = "CBP1".getBytes(StandardCharsets.US_ASCII);
  public static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);
  public static final byte[] ERROR = "ERROR".getBytes(StandardCharsets.US_ASCII);
  public static final byte[] EMPTY = new byte[0];
  public static final int REQUEST_FRAMES = 6;
  public static final int REPLY_FRAMES = 5;
  public static final int MAX_ID_BYTES = 255;

  private CbpFrames() {
  }

  /** True when the first frame is the CBP/1 signature. */
  public static boolean isCbp(byte[] first) {
    return Arrays.equals(SIGNATURE, first);
  }

  /**
   * Checks the shape of a request and reads its frames. The id is read first, whenever frame 3
   * exists, so that even a refused request is answered with its id.
   */
  public static CbpRequest parseRequest(List<byte[]> frames) throws CbpException {
    return parseRequest(frames, null);
  }

  /**
   * {@link #parseRequest(List)}, decoding the address through {@code addresses} (a bridge's
   * {@link RecentAddresses}, so that repeated addresses are one String), or afresh when null.
   */
  public static CbpRequest parseRequest(List<byte[]> frames, RecentAddresses addresses) throws CbpException {
    byte[] id = frames.size() >= 3 && frames.get(2).length <= MAX_ID_BYTES ? frames.get(2) : EMPTY;
    if (frames.isEmpty() || !isCbp(frames.get(0))) {
      throw new CbpException(ErrorCode.BAD_REQUEST, "the first frame must be the signature CBP1", id);
    }
    if (frames.size() != REQUEST_FRAMES) {
      throw new CbpException(ErrorCode.BAD_REQUEST, "a CBP1 request has 6 frames (CBP1, command, id, address, "
          + "headers, body), this one has " + frames.size(), id);
    }
    Command command = Command.fromWire(frames.get(1));
    if (command == null) {
      throw new CbpException(ErrorCode.BAD_REQUEST, "unknown command '" + printable(frames.get(1))
          + "'; use REQUEST, SEND, PUBLISH or PING", id);
    }
    if (frames.get(2).length > MAX_ID_BYTES) {
      throw new CbpException(ErrorCode.BAD_REQUEST, "the id frame is " + frames.get(2).length
          + " bytes; at most 255 are allowed", EMPTY);
    }
    String address = addresses == null ? utf8(frames.get(3), "address", id) : addresses.decode(frames.get(3), id);
    if (command != Command.PING && address.isEmpty()) {
      throw new CbpException(ErrorCode.BAD_REQUEST, command + " needs an address", id);
    }
    Map<String, String> headers = Headers.parse(frames.get(4), id);
    return new CbpRequest(command, id, address, headers, frames.get(5));
  }

  /** The frames of a request, as a client sends them (after its REQ delimiter, if any). */
  public static byte[][] request(Command command, byte[] id, String address, byte[] headersJson, byte[] body) {
    return new byte[][] {SIGNATURE, command.wire(), id, address.getBytes(StandardCharsets.UTF_8), headersJson, body};
  }

  /** The frames of a reply. */
  public static byte[][] reply(boolean ok, byte[] id, byte[] headersJson, byte[] body) {
    return new byte[][] {SIGNATURE, ok ? OK : ERROR, id, headersJson, body};
  }

  /** The frames of an {@code ERROR} reply for a refused request. */
  public static byte[][] error(CbpException e) {
    return reply(false, e.id(), Headers.JSON_ONLY, e.body().toBuffer().getBytes());
  }

  /** The frames of an {@code ERROR} reply. */
  public static byte[][] error(byte[] id, ErrorCode code, String message, JsonObject extra) {
    return reply(false, id, Headers.JSON_ONLY, errorBody(code, message, extra).toBuffer().getBytes());
  }

  /** Reads a reply, as a client receives it (after its REQ delimiter, if any). */
  public static CbpReply parseReply(List<byte[]> frames) throws CbpException {
    if (frames.size() != REPLY_FRAMES || !isCbp(frames.get(0))) {
      throw new CbpException(ErrorCode.BAD_REQUEST, "not a CBP1 reply (" + frames.size() + " frames)", EMPTY);
    }
    boolean ok = Arrays.equals(OK, frames.get(1));
    if (!ok && !Arrays.equals(ERROR, frames.get(1))) {
      throw new CbpException(ErrorCode.BAD_REQUEST, "unknown reply status " + printable(frames.get(1)), frames.get(2));
    }
    return new CbpReply(ok, frames.get(2), Headers.parse(frames.get(3), frames.get(2)), frames.get(4));
  }

  /** The JSON body of an {@code ERROR}: {@code {"code", "message", ...extra}}. */
  public static JsonObject errorBody(ErrorCode code, String message, JsonObject extra) {
    JsonObject body = new JsonObject().put("code", code.name()).put("message", message);
    if (extra != null) {
      extra.forEach(e -> body.put(e.getKey(), e.getValue()));
    }
    return body;
  }

  static String utf8(byte[] bytes, String frame, byte[] id) throws CbpException {
    if (ascii(bytes)) { // the common case (addresses are ASCII), without setting up a decoder
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    var decoder = StandardCharsets.UTF_8.newDecoder();
    try {
      return decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new CbpException(ErrorCode.BAD_REQUEST, "the " + frame + " frame is not valid UTF-8", id);
    }
  }

  private static boolean ascii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /** A short, printable rendering of a frame for error messages. */
  static String printable(byte[] frame) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(frame.length, 32); i++) {
      int c = frame[i] & 0xff;
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return frame.length > 32 ? b + "..." : b.toString();
  }
}
