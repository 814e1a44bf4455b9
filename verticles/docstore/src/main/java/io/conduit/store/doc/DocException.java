package io.conduit.store.doc;

import io.conduit.codec.CodedException;
import io.conduit.codec.ErrorCode;

import java.util.OptionalInt;

/**
 * A document-store op that could not be applied; the tree is unchanged. The message is a sentence
 * for a person that names the path (and, inside a batch, the op's index); {@link #code()} is what
 * the verticle replies with: BAD_REQUEST for a malformed op, wrong type or bad path, NOT_FOUND for
 * a missing key or index.
 */
public final class DocException extends CodedException {

  private static final long serialVersionUID = 1L;
  private final int batchIndex;

  public DocException(ErrorCode code, String message) {
    this(code, message, -1);
  }

  private DocException(ErrorCode code, String message, int batchIndex) {
    super(code, message, null, false);
    this.batchIndex = batchIndex;
  }

  static DocException badRequest(String message) {
    return new DocException(ErrorCode.BAD_REQUEST, message);
  }

  static DocException notFound(String message) {
    return new DocException(ErrorCode.NOT_FOUND, message);
  }

  /** This failure as the failure of op {@code index} of a batch, with the same code. */
  DocException inBatch(int index, String what) {
    return new DocException(code(), "batch op " + index + " " + what + ": " + getMessage(), index);
  }

  /** The index of the op that failed when this is a batch's failure. */
  public OptionalInt batchIndex() {
    return batchIndex < 0 ? OptionalInt.empty() : OptionalInt.of(batchIndex);
  }
}
