package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.RequestHeaders;
import io.conduit.codec.cbp.Bodies;
import io.conduit.codec.mdp.Mdp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Majordomo (MDP/0.1, RFC 7) client requests on the bridge's ROUTER: {@code "MDPC01" service body}
 * becomes an event-bus request to the address {@code service}; the reply is {@code "MDPC01" service
 * body}, a failure {@code {"error": {"code", "message"}}}. {@code mmi.service} answers "200" when
 * the address has a consumer somewhere, "404" when not; other {@code mmi.*} answer "501".
 */
final class MajordomoClients {

  private final BridgeOptions options;
  private final RequestHandler replies;
  private final ConsumerDirectory directory;
  private final boolean clustered;

  MajordomoClients(Vertx vertx, BridgeOptions options, RequestHandler replies) {
    this.options = options;
    this.replies = replies;
    this.directory = new ConsumerDirectory(vertx);
    this.clustered = vertx.isClustered();
  }

  void handle(Inbound in) {
    List<byte[]> frames = in.frames();
    if (frames.size() < 2) {
      fail(in, new byte[0], ErrorCode.BAD_REQUEST, "a Majordomo request needs a service frame after MDPC01");
      return;
    }
    byte[] serviceFrame = frames.get(1);
    String service = new String(serviceFrame, StandardCharsets.UTF_8);
    if (service.isEmpty()) {
      fail(in, serviceFrame, ErrorCode.BAD_REQUEST, "the Majordomo service name is empty");
      return;
    }
    byte[] body = frames.size() > 2 ? frames.get(2) : new byte[0];
    if (service.startsWith(Mdp.MMI_PREFIX)) {
      mmi(in, serviceFrame, service, body);
      return;
    }
    AccessPolicy.Verdict verdict = options.access().mayCall(service);
    if (!verdict.allowed()) {
      fail(in, serviceFrame, ErrorCode.FORBIDDEN, verdict.reason());
      return;
    }
    // a Majordomo request names no timeout: the bridge's default, capped as every front door caps
    long timeoutMs = RequestHeaders.timeout(null, options.defaultTimeoutMs(), options.maxTimeoutMs(), "timeout");
    Inbound to = in.replyTo();
    replies.call(service, decode(body), new DeliveryOptions().addHeader(RequestHeaders.TIMEOUT_MS,
        Long.toString(timeoutMs)), timeoutMs, (result, failure) -> {
      if (failure != null) {
        Failure f = Failure.of(failure, service, timeoutMs, options.access(), clustered);
        fail(to, serviceFrame, f.code(), f.message(), f.extra());
        return;
      }
      byte[] reply;
      try {
        reply = Bodies.encode(result.body()).bytes();
      } catch (RuntimeException e) {
        fail(to, serviceFrame, ErrorCode.INTERNAL, "the consumer's reply cannot be encoded as JSON");
        return;
      }
      replies.reply(to, new byte[][] {Mdp.CLIENT, serviceFrame, reply});
    });
  }

  private void mmi(Inbound in, byte[] serviceFrame, String service, byte[] body) {
    if (!Mdp.MMI_SERVICE.equals(service)) {
      replies.reply(in, new byte[][] {Mdp.CLIENT, serviceFrame, "501".getBytes(StandardCharsets.US_ASCII)});
      return;
    }
    String asked = new String(body, StandardCharsets.UTF_8);
    directory.hasConsumer(asked).onComplete(ar -> {
      boolean known = ar.succeeded() && ar.result() && options.access().mayCall(asked).allowed();
      replies.reply(in, new byte[][] {Mdp.CLIENT, serviceFrame, (known ? "200" : "404").getBytes(StandardCharsets.US_ASCII)});
    });
  }

  /** A body frame: its JSON value when it parses, else the bytes (null when empty). */
  static Object decode(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      return Bodies.json(body);
    } catch (DecodeException e) {
      return Buffer.buffer(body);
    }
  }

  private void fail(Inbound in, byte[] serviceFrame, ErrorCode code, String message) {
    fail(in, serviceFrame, code, message, new JsonObject());
  }

  /** An error reply; {@code extra} as on CBP/1 ({@code failureCode}, {@code timeoutMs}, {@code retryAfterMs}). */
  private void fail(Inbound in, byte[] serviceFrame, ErrorCode code, String message, JsonObject extra) {
    replies.countError(code);
    replies.reply(in, ErrorReplies.mdp(serviceFrame, code, message, extra));
  }
}
