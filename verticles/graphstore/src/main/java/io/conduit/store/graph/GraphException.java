package io.conduit.store.graph;

import io.conduit.codec.CodedException;
import io.conduit.codec.ErrorCode;

/** A request the graph store refuses, with the code and sentence its requester gets. */
public final class GraphException extends CodedException {

  private static final long serialVersionUID = 1L;

  public GraphException(ErrorCode code, String message) {
    super(code, message, null, false);
  }

  /** 400: the request is malformed; the message names the step, filter or field. */
  static GraphException bad(String message) {
    return new GraphException(ErrorCode.BAD_REQUEST, message);
  }

  /** 404: the message names what is missing. */
  static GraphException missing(String message) {
    return new GraphException(ErrorCode.NOT_FOUND, message);
  }
}
