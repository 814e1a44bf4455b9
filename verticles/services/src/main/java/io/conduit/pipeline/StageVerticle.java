package io.conduit.pipeline;

import io.conduit.codec.ErrorCode;
import io.conduit.service.Failures;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Base class of a pipeline stage: {@link #process(Object)} turns a job into the next stage's job
 * (or, for the last stage, the result), and this class sends it straight on to the next stage
 * ({@link PipelineJob#pass}); the stage never answers the previous one. Exceptions and failed
 * Futures end the job with a coded failure as in a service ({@code IllegalArgumentException} →
 * 400, {@code ServiceException} → its code, others → 500), which the entry reports with the
 * stage's name; so does taking longer than the pipeline's {@code stageTimeoutMs} (504).
 *
 * <p>A message that does not come from a pipeline (a direct request to the stage's address) is
 * answered like a service request, with the output as the reply. An instance that is undeployed
 * while it still works on jobs (a Future not yet complete) fails them at once with 503, so their
 * requesters need not wait for the pipeline's timeout; a subclass that overrides {@link #stop()}
 * calls {@code super.stop()}.
 */
public abstract class StageVerticle extends VerticleBase {

  /** Jobs whose output is still a pending Future, with their timeout timers; removing one claims its outcome. */
  private final Map<PipelineJob, Long> working = new ConcurrentHashMap<>();
  private EventBus bus;

  @Override
  public Future<?> start() {
    if (!(config().getValue("address") instanceof String address) || address.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException(getClass().getName()
          + ": config 'address' is required (the deployment file sets it for every pipeline stage)"));
    }
    bus = vertx.eventBus();
    return bus.consumer(address, this::handle).completion();
  }

  @Override
  public Future<?> stop() {
    for (PipelineJob job : working.keySet()) {
      if (working.remove(job) != null) {
        job.fail(bus, ErrorCode.UNAVAILABLE.status(), "the stage stopped before it finished the job");
      }
    }
    return Future.succeededFuture();
  }

  /**
   * Processes one job: its body as received (JsonObject, JsonArray, String, number, boolean, Buffer
   * or null). Returns the output, or a Future of it.
   */
  protected abstract Object process(Object job) throws Exception;

  private void handle(Message<Object> message) {
    PipelineJob job = PipelineJob.of(message);
    if (job == null) {
      answer(message);
      return;
    }
    long allowedMs = job.remainingMs();
    if (allowedMs == 0) {
      // the entry has given up on it (and answered the requester): a job that waited too long in
      // this stage's queue is dropped, so a backlog drains at once instead of being worked off
      timedOut(message, job, 0);
      return;
    }
    long began = System.nanoTime();
    Object output;
    try {
      output = process(message.body());
    } catch (VirtualMachineError e) {
      throw e; // out of memory and the like: the node's problem, not the job's
    } catch (Throwable e) {
      job.fail(bus, e);
      return;
    }
    if (output instanceof Future<?> future && !future.isComplete()) {
      working.put(job, vertx.setTimer(allowedMs, t -> {
        if (working.remove(job) != null) {
          timedOut(message, job, allowedMs);
        }
      }));
      future.onComplete(done -> {
        Long timer = working.remove(job);
        if (timer != null) {
          vertx.cancelTimer(timer);
          passOrFail(job, done.succeeded(), done.result(), done.cause());
        }
      });
    } else if (System.nanoTime() - began > TimeUnit.MILLISECONDS.toNanos(allowedMs)) {
      timedOut(message, job, allowedMs);
    } else if (output instanceof Future<?> done) {
      passOrFail(job, done.succeeded(), done.result(), done.cause());
    } else {
      job.pass(bus, output);
    }
  }

  private void passOrFail(PipelineJob job, boolean succeeded, Object output, Throwable cause) {
    if (succeeded) {
      job.pass(bus, output);
    } else {
      job.fail(bus, cause);
    }
  }

  private void timedOut(Message<Object> message, PipelineJob job, long allowedMs) {
    job.fail(bus, ErrorCode.TIMEOUT.status(), allowedMs < job.stageTimeoutMs()
        ? "no reply from '" + message.address() + "' before the job's requester gave up (" + allowedMs + " ms left)"
        : "no reply from '" + message.address() + "' within " + job.stageTimeoutMs() + " ms");
  }

  /** A direct request, outside a pipeline: the output is the reply. */
  private void answer(Message<Object> message) {
    Object output;
    try {
      output = process(message.body());
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
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
