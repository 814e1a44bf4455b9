package io.conduit.web;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A {@code Host} header (or the authority of an {@code Origin}) taken apart without resolving
 * anything: {@code host} is a name, a dotted IPv4 literal or a bracketed IPv6 literal, lower-cased;
 * {@code port} is -1 when none was given.
 */
record HostHeader(String host, int port) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
  private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  /** The header taken apart, or null when it is not {@code host[:port]} in one of the forms above. */
  static HostHeader parse(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    String v = value.toLowerCase(Locale.ROOT);
    String host;
    String rest;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = v.substring(0, close + 1);
      rest = v.substring(close + 1);
    } else {
      int colon = v.indexOf(':');
      host = colon < 0 ? v : v.substring(0, colon);
      rest = colon < 0 ? "" : v.substring(colon);
      if (!NAME.matcher(host).matches()) {
        return null; // also a bare IPv6 address such as ::1, which needs brackets in a Host header
      }
    }
    if (rest.isEmpty()) {
      return new HostHeader(host, -1);
    }
    if (!rest.startsWith(":") || !PORT.matcher(rest.substring(1)).matches()) {
      return null;
    }
    int port = Integer.parseInt(rest.substring(1));
    return port > 65535 ? null : new HostHeader(host, port);
  }

  /**
   * True for {@code localhost}, {@code [::1]} and a full dotted-quad in 127.0.0.0/8: the names a
   * browser uses for this machine, and no name a web site can point at another address.
   */
  boolean isLoopback() {
    return host.equals("localhost") || host.equals("[::1]") || isLoopbackIpv4(host);
  }

  /** What a loopback console on {@code port} accepts, in words for an error message. */
  static String loopbackForms(int port) {
    return "localhost, an IPv4 loopback address written in full (127.0.0.1 to 127.255.255.255) or [::1], "
        + "each with no port or with :" + port;
  }

  private static boolean isLoopbackIpv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals("127")) {
      return false;
    }
    for (String part : parts) {
      if (!OCTET.matcher(part).matches() || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }
}
