package io.conduit.bridge;

import io.conduit.codec.ErrorCode;

/** What the workers' bookkeeping tells the event-bus side about external workers, in the order it happened. */
sealed interface WorkerEvent {

  /** The first worker of a service arrived ({@code up}) or its last one went: (un)register the consumer. */
  record ServiceChange(String service, boolean up) implements WorkerEvent {
  }

  /**
   * How a {@link WorkerJob} ended: the worker's reply body, or a failure with its code and sentence.
   *
   * @param id      the job's id
   * @param reply   the worker's reply body, or null on failure
   * @param code    the failure code, or null on success
   * @param message the failure sentence, or null on success
   */
  record Outcome(long id, byte[] reply, ErrorCode code, String message) implements WorkerEvent {

    static Outcome replied(long id, byte[] reply) {
      return new Outcome(id, reply, null, null);
    }

    static Outcome failed(long id, ErrorCode code, String message) {
      return new Outcome(id, null, code, message);
    }
  }
}
