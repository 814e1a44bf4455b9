package io.conduit.codec;

/** Event-bus header names that Conduit's clients and services agree on. */
public final class RequestHeaders {

  /** The requester's timeout in milliseconds: a service stops working for it after that (e.g. a lock wait). */
  public static final String TIMEOUT_MS = "conduit-timeout-ms";

  /**
   * The prefix of the headers a pipeline sets to route a job from stage to stage. Only Conduit
   * sets them: an ingress (the bridge) drops any a client sends, so no client can redirect a stage.
   */
  public static final String PIPELINE_PREFIX = "conduit-pipeline-";

  /**
   * Where to acknowledge a one-way message when its consumer takes it ({@code <address>/<number>}):
   * set by the bridge, removed before the consumer sees the message. Only Conduit sets it.
   */
  public static final String RECEIPT = "conduit-receipt";

  private RequestHeaders() {
  }

  /** True for a header only Conduit itself may set (event-bus header names are case-insensitive). */
  public static boolean internal(String name) {
    return name.regionMatches(true, 0, PIPELINE_PREFIX, 0, PIPELINE_PREFIX.length()) || RECEIPT.equalsIgnoreCase(name);
  }

  /**
   * True for a header a front door passes on from a client to the event bus (and back in replies):
   * anything but Conduit's own ({@link #internal}) and the deadline, which the door stamps itself.
   */
  public static boolean forwardable(String name) {
    return !internal(name) && !TIMEOUT_MS.equalsIgnoreCase(name);
  }

  /**
   * The timeout a front door enforces for a request, the same way at every door: the one the
   * client gave (a whole number of milliseconds, at least 1), or {@code defaultMs} when it gave
   * none; either capped at {@code maxMs}.
   *
   * @param what how the door's clients name it, for the error ("header 'timeout'", "timeoutMs")
   * @throws IllegalArgumentException naming {@code what} and the value when it is not such a number
   */
  public static long timeout(String given, long defaultMs, long maxMs, String what) {
    if (given == null) {
      return Math.min(defaultMs, maxMs);
    }
    try {
      long t = Long.parseLong(given.trim());
      if (t >= 1) {
        return Math.min(t, maxMs);
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException(what + " must be a positive number of milliseconds, got '" + given + "'");
  }

  /**
   * How long a service may keep a request with this timeout waiting (for a lock, a replica's
   * version) and still get its answer back before the requester gives up: the timeout less a
   * margin of a fifth, at least 50 ms and at most 1 s, so a busy machine still delivers the reason.
   */
  public static long waitWithin(long timeoutMs) {
    long margin = Math.min(1000, Math.max(50, timeoutMs / 5));
    return Math.max(1, timeoutMs - margin);
  }
}
