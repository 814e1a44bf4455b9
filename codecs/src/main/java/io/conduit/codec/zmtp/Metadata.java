package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The metadata of a READY or INITIATE command: names (case-insensitive, ASCII: folded with
 * {@link Locale#ROOT}, so a Turkish default locale cannot turn "Identity" into "ıdentity") and
 * byte values.
 */
public final class Metadata {

  public static final String SOCKET_TYPE = "Socket-Type";
  public static final String IDENTITY = "Identity";
  /** RFC 37: an Identity is at most 255 octets (a ROUTER's routing ids are no longer). */
  public static final int MAX_IDENTITY_BYTES = 255;

  private final Map<String, byte[]> properties;

  private Metadata(Map<String, byte[]> properties) {
    this.properties = properties;
  }

  /** A socket's own metadata: its type, and its identity when it has one. */
  public static Metadata of(SocketType type, byte[] identity) {
    Map<String, byte[]> p = new LinkedHashMap<>();
    p.put(lower(SOCKET_TYPE), type.name().getBytes(StandardCharsets.US_ASCII));
    if (identity != null && (type == SocketType.REQ || type == SocketType.DEALER || type == SocketType.ROUTER)) {
      p.put(lower(IDENTITY), identity);
    }
    return new Metadata(p);
  }

  /** The value of a property, or null. */
  public byte[] get(String name) {
    return properties.get(lower(name));
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** The peer's socket type, checked against what this socket may talk to. */
  SocketType socketType(SocketType own) throws ZmtpException {
    byte[] raw = get(SOCKET_TYPE);
    SocketType type = raw == null ? null : SocketType.named(new String(raw, StandardCharsets.US_ASCII));
    if (type == null) {
      throw new ZmtpException(ZmtpException.Reason.SOCKET_TYPE, "the peer names no valid Socket-Type");
    }
    if (!own.peers().contains(type)) {
      throw new ZmtpException(ZmtpException.Reason.SOCKET_TYPE, "a " + type + " peer cannot talk to a " + own
          + " socket");
    }
    return type;
  }

  void appendTo(Buffer out) {
    for (Map.Entry<String, byte[]> e : properties.entrySet()) {
      String name = e.getKey().equals("socket-type") ? SOCKET_TYPE : e.getKey().equals("identity") ? IDENTITY : e.getKey();
      byte[] n = name.getBytes(StandardCharsets.US_ASCII);
      out.appendByte((byte) n.length).appendBytes(n).appendInt(e.getValue().length).appendBytes(e.getValue());
    }
  }

  byte[] encode() {
    Buffer b = Buffer.buffer(64);
    appendTo(b);
    return b.getBytes();
  }

  /** Parses properties from {@code bytes[from, to)}. */
  static Metadata parse(byte[] bytes, int from, int to) throws ZmtpException {
    Map<String, byte[]> p = new LinkedHashMap<>();
    int i = from;
    while (i < to) {
      int nameLength = bytes[i] & 0xFF;
      if (nameLength == 0 || i + 1 + nameLength + 4 > to) {
        throw new ZmtpException(ZmtpException.Reason.MALFORMED, "malformed metadata");
      }
      String name = new String(bytes, i + 1, nameLength, StandardCharsets.US_ASCII);
      i += 1 + nameLength;
      long valueLength = ((bytes[i] & 0xFFL) << 24) | ((bytes[i + 1] & 0xFF) << 16) | ((bytes[i + 2] & 0xFF) << 8)
          | (bytes[i + 3] & 0xFF);
      i += 4;
      if (valueLength > to - i) {
        throw new ZmtpException(ZmtpException.Reason.MALFORMED, "malformed metadata: property '" + name
            + "' runs past the command");
      }
      byte[] value = new byte[(int) valueLength];
      System.arraycopy(bytes, i, value, 0, value.length);
      i += value.length;
      p.put(lower(name), value);
    }
    return new Metadata(p);
  }
}
