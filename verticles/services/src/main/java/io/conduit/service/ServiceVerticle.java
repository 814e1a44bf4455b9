package io.conduit.service;

import io.conduit.codec.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Base class of a service whose public methods are its ops. Subclass it and declare public
 * methods; each becomes an op on the address in the config ({@code {"address": "calc"}}):
 * <pre>{@code
 * public class Calculator extends ServiceVerticle {
 *   public JsonObject add(JsonObject args) {               // {"op": "add", "a": 1, "b": 2}
 *     return new JsonObject().put("sum", args.getInteger("a") + args.getInteger("b"));
 *   }
 *   public Buffer reverse(Buffer bytes) { ... }             // bytes, header op: reverse
 *   public Future<JsonArray> list() { ... }                 // {"op": "list"}
 * }
 * }</pre>
 *
 * <p>A request is a JSON object naming the op in its {@code op} field, or bytes (a {@code Buffer})
 * with the op in an {@code op} header. An op takes nothing, the JsonObject, or the Buffer, and
 * returns the reply: JsonObject, JsonArray, String, a number, boolean, Buffer, void (null) or a
 * Future of one of those. A thrown {@link ServiceException} answers with its code, an
 * {@link IllegalArgumentException} with 400, anything else with 500 and its message; an unknown op
 * is a 400 listing the ops that exist. The verticle keeps serving whatever a request does.
 *
 * <p>Ops are the public methods the subclasses declare, found once at start; nothing inherited
 * from this class, Vert.x or {@code Object} is callable. Every op has a timer
 * {@code conduit.service.op.calls} and a counter {@code conduit.service.op.errors} in Micrometer's global
 * registry, tagged {@code service} (the address) and {@code op}. Override {@link #setUp()} for
 * work at start (it runs before the consumer is registered). Runs under any launcher: it needs only
 * its config.
 */
public abstract class ServiceVerticle extends VerticleBase {

  /** The header that names the op of a binary request. */
  public static final String OP_HEADER = "op";

  private ServiceOps ops;
  private String address;

  @Override
  public final Future<?> start() {
    Object configured = config().getValue("address");
    if (!(configured instanceof String a) || a.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException(getClass().getName()
          + ": config 'address' is required, the event-bus address the service answers on"));
    }
    address = a;
    try {
      ops = ServiceOps.discover(this, address);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    return setUp().compose(v -> vertx.eventBus().consumer(address, this::handle).completion());
  }

  /** Work to do before the service accepts calls; the default does nothing. */
  protected Future<Void> setUp() {
    return Future.succeededFuture();
  }

  /** The address this service answers on. */
  protected final String address() {
    return address;
  }

  private void handle(Message<Object> message) {
    Object body = message.body();
    String name = body instanceof JsonObject json && json.getValue(OP_HEADER) instanceof String s
        ? s : message.headers().get(OP_HEADER);
    if (name == null) {
      message.fail(ErrorCode.BAD_REQUEST.status(), "no op given to service '" + address
          + "': send a JSON object with an \"op\" field (or bytes with an 'op' header); its ops are " + ops.names());
      return;
    }
    ServiceOp op = ops.get(name);
    if (op == null) {
      message.fail(ErrorCode.BAD_REQUEST.status(), "service '" + address + "' has no op '" + name
          + "'; its ops are " + ops.names());
      return;
    }
    if ((op.input() == ServiceOp.Input.JSON && !(body instanceof JsonObject))
        || (op.input() == ServiceOp.Input.BINARY && !(body instanceof Buffer))) {
      message.fail(ErrorCode.BAD_REQUEST.status(), "op '" + name + "' of service '" + address + "' takes "
          + op.input().description());
      return;
    }
    long start = System.nanoTime();
    Object result;
    try {
      result = op.invoke(body);
    } catch (VirtualMachineError e) {
      op.record(start, true);
      throw e; // out of memory and the like: the node's problem, not the caller's
    } catch (Throwable e) {
      op.record(start, true);
      Failures.fail(message, e);
      return;
    }
    if (result instanceof Future<?> future) {
      future.onComplete(done -> {
        op.record(start, done.failed());
        if (done.failed()) {
          Failures.fail(message, done.cause());
        } else {
          reply(message, op, done.result());
        }
      });
    } else {
      op.record(start, false);
      reply(message, op, result);
    }
  }

  private void reply(Message<Object> message, ServiceOp op, Object value) {
    try {
      message.reply(value);
    } catch (RuntimeException e) { // e.g. a Future completed with a type the event bus cannot carry
      op.errors().increment();
      message.fail(ErrorCode.INTERNAL.status(), "op '" + op.name() + "' of service '" + address
          + "' returned a value that cannot be sent: " + Failures.message(e));
    }
  }
}
