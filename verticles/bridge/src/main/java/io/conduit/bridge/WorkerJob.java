package io.conduit.bridge;

/**
 * An event-bus request for a service of external workers, handed from the event loop to the socket
 * thread, which gives it to one of the service's workers.
 *
 * @param id      the bridge's request id; goes to the worker as the MDP client address and comes back in its REPLY
 * @param service the service (event-bus address)
 * @param body    the request body, encoded as in replies
 */
record WorkerJob(long id, String service, byte[] body) {
}
