package io.conduit.cli.call;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.cbp.CbpException;
import io.conduit.codec.cbp.CbpFrames;
import io.conduit.codec.cbp.CbpRequest;
import io.conduit.codec.cbp.Command;
import io.vertx.core.json.JsonObject;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal CBP/1 server for CLI tests on a free loopback port: PING and SEND are answered OK,
 * a REQUEST to {@code echo} with its own body, any other address with NO_HANDLERS.
 */
final class CbpResponder implements AutoCloseable {

  private final ZContext context = new ZContext(1);
  private final ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
  private final Thread thread = new Thread(this::serve, "cbp-responder");
  private volatile boolean stopping;

  CbpResponder() {
    router.setLinger(0);
    router.setReceiveTimeOut(50);
    router.bind("tcp://127.0.0.1:*");
    thread.start();
  }

  String endpoint() {
    return router.getLastEndpoint();
  }

  private void serve() {
    while (!stopping) {
      byte[] identity = router.recv(0);
      if (identity == null) {
        continue;
      }
      List<byte[]> frames = new ArrayList<>();
      while (router.hasReceiveMore()) {
        frames.add(router.recv(0));
      }
      router.send(identity, ZMQ.SNDMORE);
      byte[][] reply = answer(frames);
      for (int i = 0; i < reply.length; i++) {
        router.send(reply[i], i < reply.length - 1 ? ZMQ.SNDMORE : 0);
      }
    }
  }

  private static byte[][] answer(List<byte[]> frames) {
    byte[] json = "{\"content-type\":\"application/json\"}".getBytes(StandardCharsets.UTF_8);
    try {
      CbpRequest r = CbpFrames.parseRequest(frames);
      if (r.command() == Command.PING) {
        return CbpFrames.reply(true, r.id(), json, new JsonObject().put("node", "t").toBuffer().getBytes());
      }
      if (r.command() != Command.REQUEST) {
        return CbpFrames.reply(true, r.id(), json, CbpFrames.EMPTY);
      }
      if (r.address().equals("echo")) {
        return CbpFrames.reply(true, r.id(), json, r.body());
      }
      return CbpFrames.error(r.id(), ErrorCode.NO_HANDLERS, "no consumer for '" + r.address() + "'", null);
    } catch (CbpException e) {
      return CbpFrames.error(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.join(5_000);
    context.close();
  }
}
