package io.conduit.codec.zmtp;

import io.vertx.core.net.SocketAddress;

/**
 * ZeroMQ endpoint strings as Vert.x socket addresses: {@code tcp://HOST:PORT} ({@code [::1]} for an
 * IPv6 host) or {@code ipc:///path}, a Unix domain socket as ZeroMQ's ipc transport is.
 */
public final class ZmqEndpoint {

  private ZmqEndpoint() {
  }

  /** Where a client connects; {@code *} (host or port) is refused: wildcards are for binding. */
  public static SocketAddress forConnect(String endpoint) {
    return parse(endpoint, false, "cannot connect to '" + endpoint + "': ");
  }

  /** Where a server binds; {@code tcp://*:PORT} is every interface, {@code tcp://HOST:*} an ephemeral port. */
  public static SocketAddress forBind(String endpoint) {
    return parse(endpoint, true, "cannot bind '" + endpoint + "': ");
  }

  private static SocketAddress parse(String endpoint, boolean bind, String problem) {
    if (endpoint != null && endpoint.startsWith("ipc://") && endpoint.length() > "ipc://".length()) {
      return SocketAddress.domainSocketAddress(endpoint.substring("ipc://".length()));
    }
    if (endpoint == null || !endpoint.startsWith("tcp://")) {
      throw new IllegalArgumentException(problem + "an endpoint is tcp://HOST:PORT or ipc:///PATH");
    }
    String rest = endpoint.substring("tcp://".length());
    int colon = rest.lastIndexOf(':');
    String host = colon > 0 ? rest.substring(0, colon) : "";
    String portText = rest.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (bind && host.equals("*")) {
      host = "0.0.0.0";
    }
    int port;
    try {
      port = bind && portText.equals("*") ? 0 : Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty() || host.equals("*") || port < (bind ? 0 : 1) || port > 65535) {
      throw new IllegalArgumentException(problem + "expected tcp://HOST:PORT with a host and a port from 1 to 65535"
          + (bind ? " (or * for either)" : ""));
    }
    return SocketAddress.inetSocketAddress(port, host);
  }
}
