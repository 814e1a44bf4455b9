package io.conduit.examples.chain;

import io.conduit.pipeline.StageVerticle;

/**
 * pylm's {@code step1}, the first stage: prefixes {@code you sent me }.
 * Text in, text out; bytes in, bytes out.
 */
public class Step1 extends StageVerticle {

  @Override
  protected Object process(Object job) {
    return Prefix.prepend("you sent me ", job);
  }
}
