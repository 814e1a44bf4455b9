package io.conduit.pipeline;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.RequestHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The entry of a pipeline, on {@code pipeline.<name>}: admits a job, sends it to the first stage,
 * and answers the requester when the job's outcome comes back. The job does not return here
 * between stages: each stage sends its output straight to the next one ({@link PipelineJob}), with
 * the route, the job's id and the requester's headers in the message's headers; the last stage
 * (or a stage that fails) sends the outcome to this instance's results address,
 * {@code pipeline.<name>.results.<id>}, a cluster-wide consumer, so stages on any node reach it.
 * Jobs run concurrently and finish in any order; each gets exactly one reply.
 *
 * <p>At most {@code maxInFlight} jobs are admitted at once by the pipeline's entry instances on
 * this node together ({@link NodeJobs}); a job beyond that is refused at once with 429 (the bridge answers {@code OVERLOADED}), so memory stays bounded whatever the callers
 * send. A failing stage ends the job with an error that names it: {@code stage 2 (step2) failed:
 * ...}, keeping the stage's own code (a stage without consumers is 503, a stage that works on a
 * job longer than {@code stageTimeoutMs} is 504). A job whose outcome has not come back within
 * (stages + 1) × {@code stageTimeoutMs} (a stage's node left, a stage is blocked or does not pass
 * jobs on) fails with 504 naming the pipeline.
 *
 * <p>Config: {@link PipelineOptions}. Meters (global registry, tag {@code pipeline}):
 * {@code conduit.pipeline.jobs} (timer of completed jobs), {@code conduit.pipeline.failed},
 * {@code conduit.pipeline.rejected}.
 */
public class PipelineVerticle extends VerticleBase {

  private static final SecureRandom IDS = new SecureRandom();
  private static final CharSequence TIMEOUT_KEY = io.vertx.core.http.HttpHeaders.createOptimized(RequestHeaders.TIMEOUT_MS);

  /** Admitted jobs by number, oldest first. */
  private final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();
  /** This node's jobs of the pipeline, this instance's and its other instances'. */
  private NodeJobs nodeJobs;
  /**
   * The shortest time a job admitted since {@link #pending} was last empty may take: no job
   * admitted less than this ago can be overdue, so the sweep stops there.
   */
  private long shortestTimeoutMs = Long.MAX_VALUE;
  private MessageConsumer<Object> entry;
  private String lastTimeoutText;
  private long lastTimeoutMs;
  private PipelineOptions options;
  private List<PipelineOptions.Stage> stages;
  private EventBus bus;
  private String route;
  private String jobPrefix;
  private long jobTimeoutMs;
  private long lastJob;
  private long sweeper;
  private Timer jobs;
  private Counter failed;
  private Counter rejected;

  private record Pending(Message<Object> job, long since, long timeoutMs) {
  }

  @Override
  public Future<?> start() {
    try {
      options = PipelineOptions.fromConfig(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    stages = options.stages();
    nodeJobs = NodeJobs.of(vertx, options.name());
    bus = vertx.eventBus();
    byte[] random = new byte[8];
    IDS.nextBytes(random);
    String id = HexFormat.of().formatHex(random);
    String results = options.address() + ".results." + id;
    jobPrefix = id + ".";
    route = Route.encode(options.stageTimeoutMs(), results,
        stages.stream().map(PipelineOptions.Stage::address).toList());
    jobTimeoutMs = (stages.size() + 1L) * options.stageTimeoutMs();
    String tag = options.name();
    jobs = Timer.builder("conduit.pipeline.jobs").tag("pipeline", tag).publishPercentiles(0.5, 0.99)
        .register(Metrics.globalRegistry);
    failed = Counter.builder("conduit.pipeline.failed").tag("pipeline", tag).register(Metrics.globalRegistry);
    rejected = Counter.builder("conduit.pipeline.rejected").tag("pipeline", tag).register(Metrics.globalRegistry);
    sweeper = vertx.setPeriodic(Math.max(5, Math.min(100, jobTimeoutMs / 20)), t -> expire());
    // results first: a job admitted before its results consumer is known cluster-wide could be lost
    return bus.consumer(results, this::finish).completion()
        .compose(v -> {
          entry = bus.consumer(options.address(), this::admit);
          return entry.completion();
        })
        // Vert.x does not stop a verticle whose start failed: jobs admitted meanwhile (the entry
        // serves this node before the cluster knows it) are answered, and leave the node's count
        .recover(failed -> {
          failPending("pipeline '" + options.name() + "' failed to start: " + failed.getMessage());
          return Future.failedFuture(failed);
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweeper);
    // no job is admitted any more before those admitted are answered: Vert.x would only
    // unregister the entry after this returns, and a job admitted meanwhile went unanswered
    Future<Void> closed = entry == null ? Future.succeededFuture() : entry.unregister();
    return closed.eventually(() -> {
      failPending("pipeline '" + options.name() + "' stopped before the job finished");
      return Future.succeededFuture();
    });
  }

  /** Answers every job in flight UNAVAILABLE with {@code why}: this instance takes no more. */
  private void failPending(String why) {
    List<Pending> left = new ArrayList<>(pending.values());
    pending.clear();
    nodeJobs.ended(left.size());
    for (Pending p : left) {
      p.job.fail(ErrorCode.UNAVAILABLE.status(), why);
    }
  }

  private void admit(Message<Object> job) {
    if (!nodeJobs.tryAdmit(options.maxInFlight())) {
      rejected.increment();
      job.fail(ErrorCode.OVERLOADED.status(), "pipeline '" + options.name() + "' has " + options.maxInFlight()
          + " jobs in flight on this node, its limit (maxInFlight); retry later");
      return;
    }
    long number = ++lastJob;
    long timeoutMs = timeoutFor(job.headers().get(TIMEOUT_KEY));
    pending.put(number, new Pending(job, System.nanoTime(), timeoutMs));
    shortestTimeoutMs = Math.min(shortestTimeoutMs, timeoutMs);
    // the received headers are this message's own copy: the requester's headers travel with the job
    MultiMap headers = job.headers().set(PipelineJob.ROUTE_KEY, route)
        .set(PipelineJob.JOB_KEY, jobPrefix + number).set(PipelineJob.STAGE_KEY, "1")
        // the stages give up a little before the entry does, so that the failure that names one wins
        .set(PipelineJob.TIME_LEFT_KEY, PipelineJob.timeLeft(timeoutMs - Math.min(50, timeoutMs / 10)));
    PipelineOptions.Stage first = stages.get(0);
    bus.sender(first.address(), new DeliveryOptions().setHeaders(headers)).write(job.body())
        .onFailure(e -> end(number, first, PipelineJob.unreachableStatus(e), PipelineJob.unreachable(first.address(), e)));
  }

  /**
   * How long the entry waits for a job's outcome: (stages + 1) × stageTimeoutMs, or less when the
   * requester said it waits less ({@code conduit-timeout-ms}, which every front door sets), so
   * that the job's slot is freed, and its stages stop working on it, when the requester gives up;
   * the margin lets a failure that names the stage reach the requester before its own timeout.
   */
  private long timeoutFor(String requesterTimeoutMs) {
    if (requesterTimeoutMs == null) {
      return jobTimeoutMs;
    }
    if (requesterTimeoutMs.equals(lastTimeoutText)) {
      return lastTimeoutMs; // requesters mostly send the same timeout: parsed once
    }
    long timeoutMs;
    try {
      long t = Long.parseLong(requesterTimeoutMs);
      timeoutMs = t < 1 ? jobTimeoutMs : Math.min(jobTimeoutMs, RequestHeaders.waitWithin(t));
    } catch (NumberFormatException e) {
      timeoutMs = jobTimeoutMs;
    }
    lastTimeoutText = requesterTimeoutMs;
    lastTimeoutMs = timeoutMs;
    return timeoutMs;
  }

  /** Takes job {@code number} out of the jobs in flight, or null when it has already ended. */
  private Pending take(long number) {
    Pending p = pending.remove(number);
    if (p != null) {
      nodeJobs.ended(1);
    }
    if (pending.isEmpty()) {
      shortestTimeoutMs = Long.MAX_VALUE;
    }
    return p;
  }

  /** A job's outcome, from its last stage or from the stage that failed it. */
  private void finish(Message<Object> outcome) {
    MultiMap headers = outcome.headers();
    long number = number(headers.get(PipelineJob.JOB_KEY));
    String failure = headers.get(PipelineJob.FAILURE_KEY);
    if (failure == null) {
      Pending p = take(number);
      if (p != null) {
        jobs.record(System.nanoTime() - p.since, TimeUnit.NANOSECONDS);
        p.job.reply(outcome.body());
      }
      return;
    }
    int stage = parse(headers.get(PipelineJob.STAGE_KEY), 0);
    if (stage >= 1 && stage <= stages.size()) {
      end(number, stages.get(stage - 1), parse(failure, ErrorCode.INTERNAL.status()), String.valueOf(outcome.body()));
    }
  }

  /** Fails job {@code number}, unless it has already ended, naming the stage. */
  private void end(long number, PipelineOptions.Stage stage, int status, String reason) {
    Pending p = take(number);
    if (p != null) {
      jobs.record(System.nanoTime() - p.since, TimeUnit.NANOSECONDS);
      failed.increment();
      p.job.fail(status, stage.failed() + reason);
    }
  }

  /** Fails the jobs whose outcome is overdue: no stage reported, so no stage can be named. */
  private void expire() {
    long now = System.nanoTime();
    long shortest = TimeUnit.MILLISECONDS.toNanos(shortestTimeoutMs);
    List<Pending> overdue = new ArrayList<>();
    // oldest first: past the first job younger than the shortest timeout, none can be overdue; a
    // job with a longer timeout before that point is looked at again next time
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (now - p.since < shortest) {
        break;
      }
      if (now - p.since >= TimeUnit.MILLISECONDS.toNanos(p.timeoutMs())) {
        it.remove();
        overdue.add(p);
      }
    }
    if (pending.isEmpty()) {
      shortestTimeoutMs = Long.MAX_VALUE;
    }
    nodeJobs.ended(overdue.size());
    for (Pending p : overdue) {
      failed.increment();
      p.job.fail(ErrorCode.TIMEOUT.status(), p.timeoutMs() < jobTimeoutMs
          ? "pipeline '" + options.name() + "' got no result within " + p.timeoutMs() + " ms, the time its "
              + "requester waits (header " + RequestHeaders.TIMEOUT_MS + "); its stages drop the job"
          : "pipeline '" + options.name() + "' got no result within " + jobTimeoutMs + " ms: a stage neither "
              + "passed the job on nor failed it (its node left, it is blocked, or it replies instead of passing "
              + "jobs on)");
    }
  }

  /** The number in a job id of this instance ({@code <id>.<number>}), or -1. */
  private long number(String job) {
    if (job == null || !job.startsWith(jobPrefix)) {
      return -1;
    }
    try {
      return Long.parseLong(job, jobPrefix.length(), job.length(), 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int parse(String text, int otherwise) {
    try {
      return text == null ? otherwise : Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
