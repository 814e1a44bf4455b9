package io.conduit.examples.chain;

import io.vertx.core.buffer.Buffer;

/** The one operation of the chain's stages: a text prefix on a text or bytes job. */
final class Prefix {

  private Prefix() {
  }

  static Object prepend(String prefix, Object job) {
    if (job instanceof String text) {
      return prefix + text;
    }
    if (job instanceof Buffer bytes) {
      return Buffer.buffer(prefix).appendBuffer(bytes);
    }
    throw new IllegalArgumentException("a job of the chain is text or bytes, not " + job);
  }
}
