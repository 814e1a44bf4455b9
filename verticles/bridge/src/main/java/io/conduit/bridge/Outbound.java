package io.conduit.bridge;

/**
 * A message for the transport to send: a reply (routed by identity) or an event.
 *
 * @param to        the connection the request came on, or null for an XPUB event
 * @param identity  ROUTER identity of the client, or null for an XPUB event
 * @param delimited put an empty delimiter frame in front (REQ clients)
 * @param frames    the frames after identity and delimiter
 * @param ends      the in-flight charge of the request this reply ends, or null (an event)
 */
record Outbound(ZmtpPeer to, byte[] identity, boolean delimited, byte[][] frames, Inbound.Charge ends) {

  static Outbound reply(Inbound request, byte[][] frames) {
    return new Outbound(request.from(), request.identity(), request.delimited(), frames, request.charge());
  }

  static Outbound event(byte[][] frames) {
    return new Outbound(null, null, false, frames, null);
  }

  /** True for the reply that ends a request counted as in flight. */
  boolean endsRequest() {
    return ends != null;
  }
}
