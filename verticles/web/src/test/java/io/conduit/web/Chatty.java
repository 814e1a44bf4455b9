package io.conduit.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.lang.System.Logger.Level;

/** A test service that logs: one line when it starts and one per request; "fail" is refused with 409. */
public class Chatty extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(Chatty.class.getName());

  @Override
  public Future<?> start() {
    String address = config().getString("address");
    LOG.log(Level.INFO, "chatty starting on " + address);
    return vertx.eventBus().<String>consumer(address, m -> {
      if ("fail".equals(m.body())) {
        LOG.log(Level.WARNING, "refusing " + m.body());
        m.fail(409, "refused");
        return;
      }
      LOG.log(Level.INFO, "handled " + m.body());
      m.reply("ok " + m.body());
    }).completion();
  }
}
