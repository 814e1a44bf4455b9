package io.conduit.codec;

/**
 * The one error vocabulary of Conduit, shared by the ZeroMQ bridge, REST and the event bus. Each
 * code has the HTTP-like status a verticle uses with {@code message.fail(status, text)} and that
 * REST answers with.
 */
public enum ErrorCode {
  /** Malformed frames, headers, body or arguments. */
  BAD_REQUEST(400),
  /** The address or operation is not permitted for this client. */
  FORBIDDEN(403),
  /** No consumer is registered for the address anywhere in the cluster. */
  NO_HANDLERS(404),
  /** The thing asked for does not exist. */
  NOT_FOUND(404),
  /** The resource is locked or in a state that forbids the operation. */
  CONFLICT(409),
  /** No reply arrived within the timeout. */
  TIMEOUT(504),
  /** The consumer failed the message. */
  RECIPIENT_FAILURE(502),
  /** The message is over the configured maximum size. */
  TOO_LARGE(413),
  /** Too many requests in flight for this client; retry later. */
  OVERLOADED(429),
  /** The server is shutting down. */
  UNAVAILABLE(503),
  /** A fault inside Conduit. */
  INTERNAL(500);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  /** The HTTP-like status for this code. */
  public int status() {
    return status;
  }

  /**
   * The code of a status: {@code forStatus(c.status()) == c} for every code but
   * {@link #NO_HANDLERS}, which shares 404 with {@link #NOT_FOUND} (HTTP has nothing closer) and
   * reads back as NOT_FOUND; an unknown status is INTERNAL. How a consumer's failure status becomes
   * a code for clients: {@link EventBusFailure#codeForStatus}.
   */
  public static ErrorCode forStatus(int status) {
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 409 -> CONFLICT;
      case 413 -> TOO_LARGE;
      case 429 -> OVERLOADED;
      case 502 -> RECIPIENT_FAILURE;
      case 503 -> UNAVAILABLE;
      case 504 -> TIMEOUT;
      default -> INTERNAL;
    };
  }
}
