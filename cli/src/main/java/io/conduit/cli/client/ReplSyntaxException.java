package io.conduit.cli.client;

/** A REPL line outside the supported subset; the message says what was expected. */
final class ReplSyntaxException extends RuntimeException {

  ReplSyntaxException(String message) {
    super(message);
  }
}
