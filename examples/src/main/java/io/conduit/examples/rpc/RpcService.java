package io.conduit.examples.rpc;

import io.conduit.service.ServiceVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * pylm's standalone RPC server as a Conduit service: each public method is an op on the address
 * in the config. {@code foo} is pylm's example (bytes in, bytes out: send the bytes with an
 * {@code op: foo} header); {@code add} takes and returns JSON. Any other op name is a 400 listing
 * these two, never a crash. Config: {@code {"address": "rpc"}}.
 */
public class RpcService extends ServiceVerticle {

  /** pylm's {@code foo}: {@code b"a message"} → {@code b"you sent me a message"}. */
  public Buffer foo(Buffer message) {
    return Buffer.buffer("you sent me ").appendBuffer(message);
  }

  /** {@code {"op": "add", "a": 2, "b": 3}} → {@code {"sum": 5}}. */
  public JsonObject add(JsonObject args) {
    if (!(args.getValue("a") instanceof Number a) || !(args.getValue("b") instanceof Number b)) {
      throw new IllegalArgumentException("add needs numbers 'a' and 'b'");
    }
    return new JsonObject().put("sum", a.doubleValue() + b.doubleValue());
  }
}
