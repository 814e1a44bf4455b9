package io.conduit.codec.cbp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** String bodies take a short path each way; both must agree with Jackson on every input. */
class BodiesTest {

  private static final byte[] ID = {1};

  private static Object decode(byte[] body) throws CbpException {
    return Bodies.decode(null, null, body, 1 << 20, ID);
  }

  /** Short strings over an alphabet that hits every case: plain, quote, backslash, controls, non-ASCII. */
  private static String randomText(Random random) {
    char[] alphabet = {'a', 'Z', '0', ' ', '~', '\u007f', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', 'é', '€',
        '\ud83d', '\ude00', '{', '}'};
    int length = random.nextInt(12);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet[random.nextInt(alphabet.length)]);
    }
    return s.toString();
  }

  @Test
  void aStringReplyIsWhatJacksonWritesAndReadsBackTheSame() throws Exception {
    Random random = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      String text = randomText(random);
      byte[] ours = Bodies.encode(text).bytes();
      // a lone surrogate has no UTF-8 form: written as '?', as Vert.x's Json.encode writes it
      assertArrayEquals(Json.encode(text).getBytes(StandardCharsets.UTF_8), ours, text);
      if (!hasLoneSurrogate(text)) {
        assertEquals(text, decode(ours), text);
      }
    }
  }

  @Test
  void anyQuotedByteStringDecodesAsJacksonDecodesIt() {
    Random random = new Random(11);
    byte[] alphabet = {'a', ' ', '"', '\\', 'n', 'u', '0', 0x01, 0x1f, 0x7f, (byte) 0xc3, (byte) 0xa9, (byte) 0xff};
    for (int i = 0; i < 50_000; i++) {
      byte[] body = new byte[2 + random.nextInt(8)];
      body[0] = '"';
      body[body.length - 1] = '"';
      for (int k = 1; k < body.length - 1; k++) {
        body[k] = alphabet[random.nextInt(alphabet.length)];
      }
      Object expected = vertxDecodes(body);
      Object actual;
      try {
        actual = decode(body);
      } catch (CbpException e) {
        assertEquals(io.conduit.codec.ErrorCode.BAD_REQUEST, e.code());
        actual = DecodeException.class;
      }
      assertEquals(expected, actual, new String(body, StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void jsonBodiesParseAsVertxParsesThem() {
    String[] texts = {"{\"op\":\"get\",\"path\":[\"k\", 3, -1]}", "[1, 2.5, 12345678901234567890, true, null]",
        "{\"a\": {\"b\": [{}, []]}, \"c\": \"\\u00e9\\n\"}", "42", "-0.0", "\"text\"", "null",
        "/* a comment */ {\"x\": 1} // and another", "\ufeff{\"bom\": 1}", "{\"a\": 1,}", "{\"a\" 1}", "[1] 2", "",
        "{\"deep\": " + "[".repeat(30) + "]".repeat(30) + "}"};
    for (String text : texts) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      Object expected = vertxDecodes(bytes);
      Object actual;
      try {
        actual = Bodies.json(bytes);
      } catch (DecodeException e) {
        actual = DecodeException.class;
      }
      assertEquals(expected, actual, text);
      if (expected != DecodeException.class && expected != null) {
        assertEquals(expected.getClass(), actual.getClass(), text);
      }
    }
  }

  /** What Vert.x's own decoder makes of {@code bytes}: the value, or {@code DecodeException.class}. */
  private static Object vertxDecodes(byte[] bytes) {
    try {
      return Json.decodeValue(Buffer.buffer(bytes));
    } catch (DecodeException e) {
      return DecodeException.class;
    }
  }

  @Test
  void onlyAPlainStringTakesTheShortPath() {
    assertEquals("abc ~", Bodies.plainJsonString("\"abc ~\"".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("", Bodies.plainJsonString("\"\"".getBytes(StandardCharsets.US_ASCII)));
    assertNull(Bodies.plainJsonString("\"".getBytes(StandardCharsets.US_ASCII)));
    assertNull(Bodies.plainJsonString("\"a\\\"b\"".getBytes(StandardCharsets.US_ASCII)));
    assertNull(Bodies.plainJsonString("\"a\"b\"".getBytes(StandardCharsets.US_ASCII)));
    assertNull(Bodies.plainJsonString("\"é\"".getBytes(StandardCharsets.UTF_8)));
    assertNull(Bodies.plainJsonString("{\"a\":\"b\"}".getBytes(StandardCharsets.US_ASCII)));
    assertThrows(CbpException.class, () -> decode("\"a\"b\"".getBytes(StandardCharsets.US_ASCII)));
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void objectAndArrayRepliesAreTheBytesVertxWritesForThem() {
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray().add(randomText(random))
          .add(random.nextLong()).add(random.nextDouble()).add(random.nextBoolean()).addNull()
          .add(new io.vertx.core.json.JsonObject().put(randomText(random), randomText(random)));
      io.vertx.core.json.JsonObject object = new io.vertx.core.json.JsonObject().put("value", randomText(random))
          .put(randomText(random), list).put("n", random.nextInt()).put("big", new java.math.BigDecimal("1e400"))
          .put("bytes", new byte[] {(byte) random.nextInt(), 0, 1}).put("buffer", Buffer.buffer(randomText(random)))
          .put("at", java.time.Instant.ofEpochSecond(random.nextInt(2_000_000_000)));
      assertArrayEquals(object.toBuffer().getBytes(), Bodies.encode(object).bytes(), object.toString());
      assertArrayEquals(list.toBuffer().getBytes(), Bodies.encode(list).bytes(), list.toString());
      assertEquals(Headers.JSON, Bodies.encode(object).contentType());
    }
    assertArrayEquals("{}".getBytes(StandardCharsets.US_ASCII), Bodies.encode(new io.vertx.core.json.JsonObject()).bytes());
    assertArrayEquals("[]".getBytes(StandardCharsets.US_ASCII), Bodies.encode(new io.vertx.core.json.JsonArray()).bytes());
  }
}
