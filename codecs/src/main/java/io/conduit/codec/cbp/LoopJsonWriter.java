package io.conduit.codec.cbp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.vertx.core.json.jackson.JacksonCodec;

import java.io.IOException;

/**
 * JSON objects and arrays to bytes, with one Jackson generator kept per event-loop thread. Setting a
 * generator up (its buffers from the recycler, its write context) and closing it cost a small reply
 * twice what writing the reply did (sampled on a node serving document {@code get}s). The kept
 * generator writes each value as a root value (no separator between them) into a buffer that is
 * emptied once its bytes are taken, so each value's bytes are exactly what a fresh generator
 * writes. Vert.x's and Netty's own threads (event loops, the worker pool) keep one each; other
 * threads (virtual threads, a client's callers) set a generator up per value, as Vert.x does: a
 * kept one per virtual thread would be set up for each of them anyway. A value whose own code
 * encodes another on the same thread meanwhile (a custom Map or List) gets a generator of its own
 * for that one.
 */
final class LoopJsonWriter {

  /** The bytes a thread's buffer keeps between values; a larger one (after a large reply) is let go. */
  static final int KEPT_BYTES = 64 * 1024;

  private final JsonFactory factory;
  private final FastThreadLocal<Kept> kept = new FastThreadLocal<>();

  /** An event loop's generator and the buffer under it. */
  private static final class Kept {
    final ByteArrayBuilder bytes = new ByteArrayBuilder(KEPT_BYTES / 16);
    final JsonGenerator generator;
    /** Writing a value now: a value encoded meanwhile on this thread must not go into the same buffer. */
    boolean busy;

    Kept(JsonFactory factory) throws IOException {
      generator = factory.createGenerator(bytes);
      generator.setRootValueSeparator(null);
    }
  }

  LoopJsonWriter(JsonFactory factory) {
    this.factory = factory;
  }

  /** {@code value}'s JSON bytes; a value that Vert.x's encoder refuses throws its EncodeException. */
  byte[] write(Object value) throws IOException {
    if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
      return once(value);
    }
    Kept k = kept.get();
    if (k == null) {
      k = new Kept(factory);
      kept.set(k);
    } else if (k.busy) {
      return once(value);
    }
    return written(k, value);
  }

  private byte[] written(Kept k, Object value) throws IOException {
    boolean done = false;
    k.busy = true;
    try {
      JacksonCodec.encodeJson(value, k.generator);
      k.generator.flush();
      byte[] out = k.bytes.toByteArray();
      k.bytes.reset();
      done = out.length <= KEPT_BYTES; // reset() keeps the last block, which a large value made large
      return out;
    } finally {
      k.busy = false;
      if (!done) {
        kept.remove(); // failed half-way (inside an object), or holding a large block: start afresh next time
      }
    }
  }

  private byte[] once(Object value) throws IOException {
    BufferRecycler recycler = factory._getBufferRecycler();
    ByteArrayBuilder bytes = new ByteArrayBuilder(recycler);
    try {
      JsonGenerator generator = factory.createGenerator(bytes);
      JacksonCodec.encodeJson(value, generator);
      generator.close();
      byte[] out = bytes.toByteArray();
      bytes.release();
      return out;
    } finally {
      recycler.releaseToPool();
    }
  }
}
