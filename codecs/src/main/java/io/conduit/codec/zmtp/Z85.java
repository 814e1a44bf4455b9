package io.conduit.codec.zmtp;

/** Z85 text for binary keys (ZeroMQ RFC 32), the form `conduit keygen` writes and ZeroMQ tools read. */
public final class Z85 {

  private static final char[] ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".toCharArray();
  private static final int[] VALUES = new int[128];

  static {
    java.util.Arrays.fill(VALUES, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = i;
    }
  }

  private Z85() {
  }

  /** Encodes bytes whose count is a multiple of 4. */
  public static String encode(byte[] data) {
    if (data.length % 4 != 0) {
      throw new IllegalArgumentException("Z85 encodes multiples of 4 bytes, got " + data.length);
    }
    StringBuilder s = new StringBuilder(data.length * 5 / 4);
    for (int i = 0; i < data.length; i += 4) {
      long value = ((data[i] & 0xFFL) << 24) | ((data[i + 1] & 0xFF) << 16) | ((data[i + 2] & 0xFF) << 8)
          | (data[i + 3] & 0xFF);
      char[] five = new char[5];
      for (int j = 4; j >= 0; j--) {
        five[j] = ALPHABET[(int) (value % 85)];
        value /= 85;
      }
      s.append(five);
    }
    return s.toString();
  }

  /**
   * A CURVE key as configured: 40 characters of Z85 (32 bytes). {@code what} names it in the
   * IllegalArgumentException that says what is wrong (its length, or a character).
   */
  public static byte[] key(String text, String what) {
    if (text == null || text.length() != 40) {
      throw new IllegalArgumentException(what + " must be a 40-character Z85 key (see 'conduit keygen'), got "
          + (text == null ? "none" : text.length() + " characters"));
    }
    try {
      return decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not a Z85 key: " + e.getMessage(), e);
    }
  }

  /** Decodes Z85 text whose length is a multiple of 5; an invalid character is an IllegalArgumentException. */
  public static byte[] decode(String text) {
    if (text.length() % 5 != 0) {
      throw new IllegalArgumentException("Z85 text has a multiple of 5 characters, got " + text.length());
    }
    byte[] out = new byte[text.length() * 4 / 5];
    for (int i = 0, o = 0; i < text.length(); i += 5, o += 4) {
      long value = 0;
      for (int j = 0; j < 5; j++) {
        char c = text.charAt(i + j);
        int v = c < 128 ? VALUES[c] : -1;
        if (v < 0) {
          throw new IllegalArgumentException("'" + c + "' is not a Z85 character");
        }
        value = value * 85 + v;
      }
      if (value > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("invalid Z85 group '" + text.substring(i, i + 5) + "'");
      }
      out[o] = (byte) (value >>> 24);
      out[o + 1] = (byte) (value >>> 16);
      out[o + 2] = (byte) (value >>> 8);
      out[o + 3] = (byte) value;
    }
    return out;
  }
}
