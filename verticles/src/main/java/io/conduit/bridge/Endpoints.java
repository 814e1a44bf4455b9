package io.conduit.bridge;

import io.vertx.core.net.SocketAddress;

/** ZeroMQ endpoint strings as Vert.x socket addresses. */
final class Endpoints {

  private Endpoints() {
  }

  /** Deletes the Unix socket file of an {@code ipc://} endpoint, if there is one; nothing for tcp. */
  static void removeSocketFile(String endpoint) {
    if (endpoint.startsWith("ipc://")) {
      try {
        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(endpoint.substring("ipc://".length())));
      } catch (java.io.IOException e) {
        // binding will fail and say why
      }
    }
  }

  /**
   * {@code tcp://HOST:PORT} ({@code *} for any interface or an ephemeral port, {@code [::1]} for an
   * IPv6 host) or {@code ipc:///path} (a Unix domain socket, as ZeroMQ's ipc transport is).
   */
  static SocketAddress address(String endpoint) {
    if (endpoint.startsWith("ipc://")) {
      return SocketAddress.domainSocketAddress(endpoint.substring("ipc://".length()));
    }
    if (!endpoint.startsWith("tcp://")) {
      throw new IllegalArgumentException("unsupported endpoint " + endpoint + " (tcp:// or ipc://)");
    }
    String rest = endpoint.substring("tcp://".length());
    int colon = rest.lastIndexOf(':');
    String host = rest.substring(0, colon);
    String port = rest.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.equals("*")) {
      host = "0.0.0.0";
    }
    return SocketAddress.inetSocketAddress(port.equals("*") ? 0 : Integer.parseInt(port), host);
  }
}
