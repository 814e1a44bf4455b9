package io.conduit.pipeline;

import io.conduit.codec.ErrorCode;
import io.conduit.service.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A pipeline stage whose work is done by external workers: each job goes as a request to the
 * worker service named by the config's {@code workers} (Python {@code conduit.Worker}s or any
 * Majordomo worker, reached through the bridge like any worker service), and the worker's reply is
 * the stage's output. A stage's own address cannot be served by workers: jobs are passed on from
 * stage to stage, never answered, and a worker can only answer. This stage answers for them.
 * A deployment file declares it as {@code {"name": "upper", "workers": "py.upper"}}.
 *
 * <p>Config: {@code address} (the stage's, set by the deployment file), {@code workers} (the
 * worker service) and {@code timeoutMs} (how long a worker may take; the pipeline's
 * {@code stageTimeoutMs}). A worker's coded error fails the job with its code; no worker at all is
 * 503 naming the service, so the requester learns that workers must be started.
 */
public final class WorkersStage extends StageVerticle {

  private String workers;
  private DeliveryOptions delivery;

  @Override
  public Future<?> start() {
    if (!(config().getValue("workers") instanceof String service) || service.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException(getClass().getName()
          + ": config 'workers' is required (the worker service that does this stage's work)"));
    }
    if (!(config().getValue("timeoutMs", 30_000) instanceof Number timeout) || timeout.longValue() < 1) {
      return Future.failedFuture(new IllegalArgumentException(getClass().getName()
          + ": config 'timeoutMs' must be a positive whole number, got " + config().getValue("timeoutMs")));
    }
    workers = service;
    delivery = new DeliveryOptions().setSendTimeout(timeout.longValue());
    return super.start();
  }

  @Override
  protected Object process(Object job) {
    return vertx.eventBus().request(workers, job, delivery).map(Message::body)
        .recover(e -> Future.failedFuture(explained(e)));
  }

  /** A failure of the workers' own is passed on as it is; one of reaching them says what happened. */
  private Throwable explained(Throwable e) {
    if (e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
      return new ServiceException(ErrorCode.UNAVAILABLE, "no worker serves '" + workers + "'; start one (a "
          + "conduit.Worker for '" + workers + "')");
    }
    if (e instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
      return new ServiceException(ErrorCode.TIMEOUT, "the workers of '" + workers + "' did not answer within "
          + delivery.getSendTimeout() + " ms");
    }
    return e;
  }
}
