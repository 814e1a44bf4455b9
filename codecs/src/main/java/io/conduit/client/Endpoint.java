package io.conduit.client;

import io.vertx.core.net.SocketAddress;

/** A bridge endpoint as a client connects to it: {@code tcp://host:port} or {@code ipc:///path}. */
final class Endpoint {

  private Endpoint() {
  }

  /**
   * The socket address of {@code endpoint}; {@code [::1]} names an IPv6 host. An {@code ipc://}
   * endpoint is a Unix domain socket, which needs Vert.x's native transport.
   *
   * @throws IllegalArgumentException when it is not such an endpoint (wildcards are for binding)
   */
  static SocketAddress parse(String endpoint) {
    if (endpoint != null && endpoint.startsWith("ipc://") && endpoint.length() > "ipc://".length()) {
      return SocketAddress.domainSocketAddress(endpoint.substring("ipc://".length()));
    }
    if (endpoint == null || !endpoint.startsWith("tcp://")) {
      throw new IllegalArgumentException("cannot connect to '" + endpoint + "': a bridge endpoint is tcp://HOST:PORT "
          + "or ipc:///PATH");
    }
    String rest = endpoint.substring("tcp://".length());
    int colon = rest.lastIndexOf(':');
    String host = colon > 0 ? rest.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(rest.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty() || host.equals("*") || port < 1 || port > 65535) {
      throw new IllegalArgumentException("cannot connect to '" + endpoint + "': expected tcp://HOST:PORT with a host "
          + "and a port from 1 to 65535");
    }
    return SocketAddress.inetSocketAddress(port, host);
  }
}
