package io.conduit.pipeline;

import io.conduit.codec.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The entry of a pipeline, on {@code pipeline.<name>}: sends each job through the stages in
 * order (each stage's reply body is the next stage's job; the request's headers go to every stage)
 * and replies to the original requester with the last stage's reply. Jobs run concurrently and
 * finish in any order; each gets exactly one reply.
 *
 * <p>At most {@code maxInFlight} jobs are admitted at once; a job beyond that is refused at once
 * with 429 (the bridge answers {@code OVERLOADED}), so memory stays bounded whatever the callers
 * send. A failing stage ends the job with an error that names it: {@code stage 2 (step2) failed:
 * ...}, keeping the stage's own code (a stage without consumers is 503, a stage that does not
 * answer in {@code stageTimeoutMs} is 504).
 *
 * <p>Config: {@link PipelineOptions}. Meters (global registry, tag {@code pipeline}):
 * {@code conduit.pipeline.jobs} (timer of completed jobs), {@code conduit.pipeline.failed},
 * {@code conduit.pipeline.rejected}.
 */
public class PipelineVerticle extends VerticleBase {

  private PipelineOptions options;
  private List<PipelineOptions.Stage> stages;
  private DeliveryOptions[] deliveries;
  private EventBus bus;
  private int inFlight;
  private Timer jobs;
  private Counter failed;
  private Counter rejected;

  @Override
  public Future<?> start() {
    try {
      options = PipelineOptions.fromConfig(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    stages = options.stages();
    bus = vertx.eventBus();
    String tag = options.name();
    jobs = Timer.builder("conduit.pipeline.jobs").tag("pipeline", tag).publishPercentiles(0.5, 0.99)
        .register(Metrics.globalRegistry);
    failed = Counter.builder("conduit.pipeline.failed").tag("pipeline", tag).register(Metrics.globalRegistry);
    rejected = Counter.builder("conduit.pipeline.rejected").tag("pipeline", tag).register(Metrics.globalRegistry);
    return bus.consumer(options.address(), this::admit).completion();
  }

  private void admit(Message<Object> job) {
    if (inFlight >= options.maxInFlight()) {
      rejected.increment();
      job.fail(ErrorCode.OVERLOADED.status(), "pipeline '" + options.name() + "' has " + inFlight
          + " jobs in flight, its limit (maxInFlight); retry later");
      return;
    }
    inFlight++;
    long start = System.nanoTime();
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(options.stageTimeoutMs());
    if (!job.headers().isEmpty()) {
      delivery.setHeaders(copy(job.headers()));
    }
    run(0, job.body(), delivery).onComplete(done -> {
      inFlight--;
      jobs.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      if (done.succeeded()) {
        Message<Object> last = done.result();
        job.reply(last.body(), new DeliveryOptions().setHeaders(last.headers()));
      } else {
        failed.increment();
        fail(job, done.cause());
      }
    });
  }

  /** Sends {@code body} to stage {@code index} and on through the rest; completes with the last reply. */
  private Future<Message<Object>> run(int index, Object body, DeliveryOptions delivery) {
    PipelineOptions.Stage stage = stages.get(index);
    Future<Message<Object>> reply = bus.<Object>request(stage.address(), body, delivery)
        .recover(e -> Future.failedFuture(new StageFailure(stage, e)));
    if (index == stages.size() - 1) {
      return reply;
    }
    return reply.compose(m -> run(index + 1, m.body(), delivery));
  }

  private void fail(Message<Object> job, Throwable cause) {
    if (!(cause instanceof StageFailure failure)) {
      job.fail(ErrorCode.INTERNAL.status(), "pipeline '" + options.name() + "' failed: " + cause.getMessage());
      return;
    }
    PipelineOptions.Stage stage = failure.stage;
    if (failure.getCause() instanceof ReplyException rex) {
      switch (rex.failureType()) {
        case RECIPIENT_FAILURE -> job.fail(rex.failureCode(), stage.failed() + rex.getMessage());
        case NO_HANDLERS -> job.fail(ErrorCode.UNAVAILABLE.status(), stage.failed()
            + "no consumer is registered for '" + stage.address() + "'");
        case TIMEOUT -> job.fail(ErrorCode.TIMEOUT.status(), stage.failed() + "no reply from '"
            + stage.address() + "' within " + options.stageTimeoutMs() + " ms");
        default -> job.fail(ErrorCode.INTERNAL.status(), stage.failed() + rex.getMessage());
      }
    } else {
      job.fail(ErrorCode.INTERNAL.status(), stage.failed() + failure.getCause().getMessage());
    }
  }

  private static MultiMap copy(MultiMap headers) {
    return MultiMap.caseInsensitiveMultiMap().addAll(headers);
  }

  /** A stage's failure, remembering which stage. */
  private static final class StageFailure extends RuntimeException {
    private final transient PipelineOptions.Stage stage;

    StageFailure(PipelineOptions.Stage stage, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.stage = stage;
    }
  }
}
