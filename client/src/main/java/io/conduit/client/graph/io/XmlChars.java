package io.conduit.client.graph.io;

/**
 * Which strings XML carries exactly. XML 1.0 has no form at all for most control characters, and a
 * parser turns a carriage return in text, or a tab or line break in an attribute, into something
 * else; such strings must travel another way.
 */
final class XmlChars {

  private XmlChars() {
  }

  /** True when {@code s} reads back unchanged as element text. */
  static boolean text(String s) {
    return carries(s, false);
  }

  /** True when {@code s} reads back unchanged as an attribute value. */
  static boolean attribute(String s) {
    return carries(s, true);
  }

  private static boolean carries(String s, boolean attribute) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0xD800 || c >= 0xE000 && c <= 0xFFFD) {
        continue;
      }
      if (c == '\n' || c == '\t') {
        if (attribute) {
          return false;
        }
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
        continue;
      }
      return false;
    }
    return true;
  }
}
