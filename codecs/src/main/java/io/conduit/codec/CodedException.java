package io.conduit.codec;

/**
 * The one server-side failure type: a refusal or failure with the {@link ErrorCode} its requester
 * receives, whichever front door it came through (a consumer fails the message with
 * {@code code().status()}, which {@link EventBusFailure} turns back into this code). Services throw
 * {@code io.conduit.service.ServiceException}; the stores, the task queue and node control throw
 * their own kinds of it.
 */
public class CodedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public CodedException(ErrorCode code, String message) {
    this(code, message, null, true);
  }

  /**
   * @param stackTrace false for refusals built on an event loop, whose stack says nothing about
   *                   the requester (cheaper, and no trace in logs)
   */
  protected CodedException(ErrorCode code, String message, Throwable cause, boolean stackTrace) {
    super(message, cause, true, stackTrace);
    this.code = java.util.Objects.requireNonNull(code, "code");
  }

  /** The code the requester receives. */
  public ErrorCode code() {
    return code;
  }
}
