package io.conduit.bridge;

/**
 * A message for the transport to send: a reply (routed by identity) or an event.
 *
 * @param identity     ROUTER identity of the client, or null for an XPUB event
 * @param delimited    put an empty delimiter frame in front (REQ clients)
 * @param frames       the frames after identity and delimiter
 * @param endsRequest  true for the reply that ends a request counted as in flight
 */
record Outbound(byte[] identity, boolean delimited, byte[][] frames, boolean endsRequest) {

  static Outbound reply(Inbound request, byte[][] frames) {
    return new Outbound(request.identity(), request.delimited(), frames, true);
  }

  static Outbound event(byte[][] frames) {
    return new Outbound(null, false, frames, false);
  }
}
