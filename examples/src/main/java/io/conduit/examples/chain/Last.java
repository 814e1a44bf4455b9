package io.conduit.examples.chain;

import io.conduit.pipeline.StageVerticle;

/**
 * pylm's {@code last}, the last stage, whose output goes back to the client: prefixes {@code ACK: }.
 * Text in, text out; bytes in, bytes out.
 */
public class Last extends StageVerticle {

  @Override
  protected Object process(Object job) {
    return Prefix.prepend("ACK: ", job);
  }
}
