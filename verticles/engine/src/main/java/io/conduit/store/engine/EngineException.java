package io.conduit.store.engine;

import java.util.concurrent.CompletionException;

/** A storage failure, with a message that says what happened and, where it can, what to do. */
public class EngineException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * What a failed write's cause says, for a message to people: its own message, or what it is
   * when it has none (a {@code StackOverflowError} thrown on the way to the engine).
   */
  public static String reason(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
