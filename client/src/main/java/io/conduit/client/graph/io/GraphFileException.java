package io.conduit.client.graph.io;

import io.conduit.client.graph.GraphStoreException;
import io.conduit.codec.ErrorCode;

/**
 * A graph file that cannot be read as it says: malformed XML or JSON, a value that is not of its
 * declared type, an id that is not a positive whole number, something the format allows that a
 * Conduit graph cannot hold. The message names the line and the problem; status 400 BAD_REQUEST.
 * An import checks the whole file before it loads anything, so this leaves the store as it was.
 */
public final class GraphFileException extends GraphStoreException {

  private final long line;

  public GraphFileException(long line, String problem) {
    super(ErrorCode.BAD_REQUEST.status(), ErrorCode.BAD_REQUEST, (line > 0 ? "line " + line + ": " : "") + problem);
    this.line = line;
  }

  /** The line of the file the problem is on (1 for the first), or 0 when it is the file as a whole. */
  public long line() {
    return line;
  }
}
