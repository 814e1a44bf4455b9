package io.conduit.bridge;

import java.util.List;

/**
 * One multipart message received on the ROUTER, handed from the socket thread to the event loop.
 *
 * @param identity  the ROUTER identity of the client, to route the reply
 * @param delimited true when a REQ client's empty delimiter frame came first (it goes back in front)
 * @param frames    the frames after the identity and delimiter
 */
record Inbound(byte[] identity, boolean delimited, List<byte[]> frames) {
}
