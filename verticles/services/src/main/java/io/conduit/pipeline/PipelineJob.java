package io.conduit.pipeline;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.RequestHeaders;
import io.conduit.service.Failures;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;

/**
 * A job as one stage of a pipeline receives it, and what the stage does when it is done with it:
 * {@link #pass} sends the output straight to the next stage (the last stage's output goes to the
 * pipeline's entry, which answers the requester); {@link #fail} ends the job with an error that
 * the entry reports with this stage's name. Nothing is sent back to the previous stage.
 *
 * <p>{@link StageVerticle} does all of this; a consumer written by hand does it like this:
 * <pre>{@code
 * bus.consumer(address, m -> PipelineJob.of(m).pass(bus, transform(m.body())));
 * }</pre>
 * The job's routing travels in headers starting with {@code conduit-pipeline-} (see
 * {@link RequestHeaders#PIPELINE_PREFIX}) next to the requester's own headers, which reach every
 * stage.
 */
public final class PipelineJob {

  /** The route of the job's pipeline (see {@link Route}); the same for every job of an entry instance. */
  static final String ROUTE = RequestHeaders.PIPELINE_PREFIX + "route";
  /** The job's id, unique in the cluster: the entry instance's id, a dot, a number. */
  public static final String JOB = RequestHeaders.PIPELINE_PREFIX + "job";
  /**
   * On the way to a stage, the stage's number (1-based); on the way back to the entry, the number of
   * the stage the outcome is about (the last one, or the one that failed).
   */
  public static final String STAGE = RequestHeaders.PIPELINE_PREFIX + "stage";
  /** On a failed job's way back to the entry: the status; the body is the reason. */
  public static final String FAILURE = RequestHeaders.PIPELINE_PREFIX + "failure";
  /**
   * How long the job has left before its entry gives up on it: {@code "<ms> <sent> <process>"}, the
   * milliseconds left when the entry sent it, the entry's {@link System#nanoTime()} then, and the
   * entry's JVM. A stage in the entry's JVM counts the time since then (one monotonic clock: the
   * waits in stages' queues count); one on another node counts from the job's arrival there, so
   * that clocks that disagree between nodes cannot make it drop jobs. A stage drops a job with no
   * time left.
   */
  public static final String TIME_LEFT = RequestHeaders.PIPELINE_PREFIX + "time-left";
  /** This JVM, in {@link #TIME_LEFT}. */
  private static final String PROCESS = Long.toHexString(new java.security.SecureRandom().nextLong());

  // the names as keys whose hash is computed once: every hop looks several of them up
  static final CharSequence ROUTE_KEY = HttpHeaders.createOptimized(ROUTE);
  static final CharSequence JOB_KEY = HttpHeaders.createOptimized(JOB);
  static final CharSequence STAGE_KEY = HttpHeaders.createOptimized(STAGE);
  static final CharSequence FAILURE_KEY = HttpHeaders.createOptimized(FAILURE);
  static final CharSequence TIME_LEFT_KEY = HttpHeaders.createOptimized(TIME_LEFT);

  private final Message<?> message;
  private final Route route;
  private final String job;
  private final int stage;
  /** {@link System#nanoTime()} when the entry gives up on the job, or {@link Long#MAX_VALUE} (no limit sent). */
  private final long deadline;

  private PipelineJob(Message<?> message, Route route, String job, int stage, long deadline) {
    this.message = message;
    this.route = route;
    this.job = job;
    this.stage = stage;
    this.deadline = deadline;
  }

  /** The job a message carries, or null when the message was not sent by a pipeline (a direct call). */
  public static PipelineJob of(Message<?> message) {
    MultiMap headers = message.headers();
    String routeText = headers.get(ROUTE_KEY);
    String job = headers.get(JOB_KEY);
    String stageText = headers.get(STAGE_KEY);
    if (routeText == null || job == null || stageText == null) {
      return null;
    }
    Route route = Route.parse(routeText);
    int stage;
    try {
      stage = Integer.parseInt(stageText);
    } catch (NumberFormatException e) {
      return null;
    }
    long deadline = deadline(headers.get(TIME_LEFT_KEY));
    return route == null || stage < 1 || stage > route.size() || deadline == BAD ? null
        : new PipelineJob(message, route, job, stage, deadline);
  }

  private static final long BAD = Long.MIN_VALUE;

  /** The local deadline ({@link System#nanoTime()}) a {@link #TIME_LEFT} header gives, MAX_VALUE for none, BAD. */
  private static long deadline(String text) {
    if (text == null) {
      return Long.MAX_VALUE;
    }
    // parsed in place: every hop of every job reads it
    int first = text.indexOf(' ');
    int second = first < 0 ? -1 : text.indexOf(' ', first + 1);
    try {
      long left = Long.parseLong(text, 0, first < 0 ? text.length() : first, 10);
      if (second > 0 && text.length() - second - 1 == PROCESS.length()
          && text.regionMatches(second + 1, PROCESS, 0, PROCESS.length())) {
        // one clock: the time since the entry sent it counts, its waits in stages' queues too
        left -= (System.nanoTime() - Long.parseLong(text, first + 1, second, 10)) / 1_000_000L;
      }
      return System.nanoTime() + Math.max(0, left) * 1_000_000L;
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return BAD;
    }
  }

  /** The {@link #TIME_LEFT} header of a job with {@code leftMs} to go, sent now from this JVM. */
  static String timeLeft(long leftMs) {
    return leftMs + " " + System.nanoTime() + " " + PROCESS;
  }

  /**
   * The id of the job a message carries, to a stage or back to the entry, or null: for meters that
   * follow jobs through stages (a job is at one stage at a time).
   */
  public static String id(Message<?> message) {
    return message.headers().get(JOB_KEY);
  }

  /** The id of the job a message brings to a stage, or null (not a job, or a job's outcome). */
  public static String idAtStage(Message<?> message) {
    MultiMap headers = message.headers();
    return headers.contains(ROUTE_KEY) ? headers.get(JOB_KEY) : null;
  }

  /** The status a job's outcome carries when a stage failed the job, or null. */
  public static String failure(Message<?> message) {
    return message.headers().get(FAILURE_KEY);
  }

  /** This stage's number in the pipeline, from 1. */
  public int stage() {
    return stage;
  }

  /** How long this stage may work on the job before the job fails with 504. */
  public long stageTimeoutMs() {
    return route.stageTimeoutMs();
  }

  /**
   * How long this stage may still work on the job: its {@link #stageTimeoutMs}, or less when the
   * entry gives up on the job sooner (the requester's own timeout); 0 once the entry has.
   */
  public long remainingMs() {
    long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : (deadline - System.nanoTime()) / 1_000_000L;
    return Math.max(0, Math.min(route.stageTimeoutMs(), left));
  }

  /**
   * Sends the stage's output on: to the next stage, with the requester's headers; from the last
   * stage, to the entry, which replies to the requester. A next stage without consumers fails the
   * job (503, naming that stage).
   */
  public void pass(EventBus bus, Object output) {
    try {
      if (stage == route.size()) {
        bus.send(route.results(), output, new DeliveryOptions().setHeaders(outcome(stage)));
        return;
      }
      int next = stage + 1;
      String address = route.stage(next);
      // the received headers are this message's own copy: they travel on, with the next stage's number
      // (the time left as the entry sent it: a stage in its JVM counts from then, another from arrival)
      MultiMap headers = message.headers().set(STAGE_KEY, Integer.toString(next));
      bus.sender(address, new DeliveryOptions().setHeaders(headers)).write(output)
          .onFailure(e -> fail(bus, next, unreachableStatus(e), unreachable(address, e)));
    } catch (RuntimeException e) { // an output the event bus has no codec for: the job ends here, named
      fail(bus, ErrorCode.INTERNAL.status(), "its output (" + (output == null ? "null" : output.getClass().getName())
          + ") cannot be sent on: " + Failures.message(e));
    }
  }

  /** Ends the job with {@code error}: its status as for a service (see {@link Failures}), its message. */
  public void fail(EventBus bus, Throwable error) {
    fail(bus, Failures.status(error), Failures.message(error));
  }

  /** Ends the job with a status and a reason; the requester sees {@code stage N (name) failed: reason}. */
  public void fail(EventBus bus, int status, String reason) {
    fail(bus, stage, status, reason);
  }

  private void fail(EventBus bus, int failedStage, int status, String reason) {
    MultiMap headers = outcome(failedStage).set(FAILURE_KEY, Integer.toString(status));
    bus.send(route.results(), reason, new DeliveryOptions().setHeaders(headers));
  }

  /** The headers of the message that brings the job's outcome to the entry. */
  private MultiMap outcome(int aboutStage) {
    return MultiMap.caseInsensitiveMultiMap().set(JOB_KEY, job).set(STAGE_KEY, Integer.toString(aboutStage));
  }

  /** The status of a job whose next stage could not be reached. */
  static int unreachableStatus(Throwable error) {
    return error instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
        ? ErrorCode.UNAVAILABLE.status() : ErrorCode.INTERNAL.status();
  }

  /** Why a stage could not be reached. */
  static String unreachable(String address, Throwable error) {
    return error instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
        ? "no consumer is registered for '" + address + "'"
        : "could not be reached at '" + address + "': " + Failures.message(error);
  }
}
