package io.conduit.pipeline;

import io.conduit.service.Failures;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;

/**
 * Base class of a pipeline stage: {@link #process(Object)} turns a job into the next stage's job
 * (or, for the last stage, the result). A stage is an ordinary consumer on the address in its
 * config, so any verticle that replies can be a stage; this class only saves the boilerplate.
 * Exceptions become coded failures as in a service ({@code IllegalArgumentException} → 400,
 * {@code ServiceException} → its code, others → 500), which the entry reports with the stage's name.
 */
public abstract class StageVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    if (!(config().getValue("address") instanceof String address) || address.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException(getClass().getName()
          + ": config 'address' is required (the deployment file sets it for every pipeline stage)"));
    }
    return vertx.eventBus().consumer(address, this::handle).completion();
  }

  /**
   * Processes one job: its body as received (JsonObject, JsonArray, String, number, boolean, Buffer
   * or null). Returns the output, or a Future of it.
   */
  protected abstract Object process(Object job) throws Exception;

  private void handle(Message<Object> message) {
    Object output;
    try {
      output = process(message.body());
    } catch (Exception e) {
      Failures.fail(message, e);
      return;
    }
    if (output instanceof Future<?> future) {
      future.onComplete(done -> {
        if (done.succeeded()) {
          message.reply(done.result());
        } else {
          Failures.fail(message, done.cause());
        }
      });
    } else {
      message.reply(output);
    }
  }
}
