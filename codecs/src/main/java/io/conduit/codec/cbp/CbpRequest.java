package io.conduit.codec.cbp;

import java.util.Map;

/**
 * One CBP/1 request as it arrived: frames 2-6 of the protocol, checked for shape but with the
 * body still in bytes (decoding it is {@link Bodies}' job, with the limits of the receiver).
 *
 * @param command what to do
 * @param id      the client's correlation id, echoed in the reply (0-255 bytes)
 * @param address the event-bus address (empty for PING)
 * @param headers all headers, reserved ones included
 * @param body    the body bytes, possibly compressed
 */
public record CbpRequest(Command command, byte[] id, String address, Map<String, String> headers, byte[] body) {

  public String header(String name) {
    return headers.get(name);
  }
}
