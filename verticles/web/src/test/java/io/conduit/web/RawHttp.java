package io.conduit.web;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plain TCP socket speaking HTTP/1.1 by hand, for what an HTTP client library will not send
 * (any Host header at all, half a request) and for watching when the server hangs up.
 */
final class RawHttp implements AutoCloseable {

  private final Socket socket = new Socket();
  private final InputStream in;

  RawHttp(String host, int port) throws IOException {
    socket.connect(new InetSocketAddress(host, port), 5_000);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
  }

  /** One request with {@code Connection: close} and the given Host header (none when null); the whole reply. */
  static Response request(String address, int port, String method, String path, String hostHeader,
                          String... headers) throws IOException {
    try (RawHttp http = new RawHttp(address, port)) {
      StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      if (hostHeader != null) {
        request.append("Host: ").append(hostHeader).append("\r\n");
      }
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      if (method.equals("POST")) {
        request.append("Content-Type: application/json\r\nContent-Length: 2\r\n");
      }
      http.send(request.append("Connection: close\r\n\r\n").append(method.equals("POST") ? "{}" : "").toString());
      return http.readResponse();
    }
  }

  void send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** The next response: its body by Content-Length, or up to the end of the stream. */
  Response readResponse() throws IOException {
    String head = readHead();
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String length = headers.get("content-length");
    if (length != null) {
      body.write(in.readNBytes(Integer.parseInt(length)));
    } else if (headers.containsKey("transfer-encoding")) {
      throw new IllegalStateException("a chunked response; ask for one with a Content-Length: " + head);
    } else {
      in.transferTo(body);
    }
    return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
  }

  /**
   * Waits up to {@code withinMs} for the server to close the connection, sending {@code trickle}
   * (when not null) every 50 ms meanwhile, as a slow client would: the milliseconds it took, or -1
   * when the connection is still open at the deadline. Whatever the server sends meanwhile is skipped.
   */
  long millisUntilClosed(long withinMs, String trickle) throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout(50);
    byte[] buffer = new byte[4096];
    while (true) {
      long elapsed = (System.nanoTime() - start) / 1_000_000;
      if (elapsed > withinMs) {
        return -1;
      }
      try {
        if (in.read(buffer) < 0) {
          return elapsed;
        }
      } catch (SocketTimeoutException e) {
        if (trickle != null) {
          try {
            send(trickle);
          } catch (IOException closed) {
            return (System.nanoTime() - start) / 1_000_000;
          }
        }
      } catch (IOException reset) {
        return (System.nanoTime() - start) / 1_000_000;
      }
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the server closed the connection before a complete response: " + head);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1).trim();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  record Response(int status, Map<String, String> headers, String body) {

    JsonObject json() {
      return new JsonObject(body);
    }
  }
}
