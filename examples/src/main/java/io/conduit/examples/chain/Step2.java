package io.conduit.examples.chain;

import io.conduit.pipeline.StageVerticle;

/**
 * pylm's {@code step2}: prefixes {@code got it too, after }.
 * Text in, text out; bytes in, bytes out.
 */
public class Step2 extends StageVerticle {

  @Override
  protected Object process(Object job) {
    return Prefix.prepend("got it too, after ", job);
  }
}
