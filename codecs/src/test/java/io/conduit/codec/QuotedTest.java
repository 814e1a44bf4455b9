package io.conduit.codec;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a client sent, as error messages quote it: whole when short, cut with its length when long. */
class QuotedTest {

  @Test
  void shortInputIsQuotedWhole() {
    assertEquals("'no.such.task'", Quoted.text("no.such.task"));
    assertEquals("\"soon\"", Quoted.json("soon"));
    assertEquals("12", Quoted.json(12));
    assertEquals("{\"a\":1}", Quoted.json(new JsonObject().put("a", 1)));
    assertEquals("null", Quoted.json(null));
  }

  @Test
  void longInputIsCutAndSaysHowLongItWas() {
    String exactly = "y".repeat(Quoted.MAX_CHARS);
    assertEquals("'" + exactly + "'", Quoted.text(exactly));
    String quoted = Quoted.text("x".repeat(1_000_000));
    assertEquals("'" + "x".repeat(Quoted.MAX_CHARS - 3) + "... (1000000 characters)'", quoted);
  }
}
