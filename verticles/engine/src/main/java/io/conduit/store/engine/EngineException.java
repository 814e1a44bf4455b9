package io.conduit.store.engine;

/** A storage failure, with a message that says what happened and, where it can, what to do. */
public class EngineException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
