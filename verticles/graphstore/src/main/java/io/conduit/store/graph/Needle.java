package io.conduit.store.graph;

/**
 * The string a {@code contains} or {@code icontains} filter looks for, prepared once per query.
 * {@link String#contains} may try the needle at every position of the text, up to text × needle
 * comparisons, which for a long text and a long needle is one comparison that runs for seconds; so
 * past a small amount of such work the search is Knuth-Morris-Pratt, linear in the text, with its
 * table built here once.
 */
final class Needle {

  /** Text length × needle length up to which {@link String#contains} is quick whatever the text. */
  private static final long QUICK = 1 << 16;

  private final String text;
  /** For each prefix of the needle, the length of its longest proper prefix that is also its suffix. */
  private final int[] fallback;

  Needle(String text) {
    this.text = text;
    this.fallback = new int[text.length()];
    for (int i = 1, k = 0; i < text.length(); i++) {
      while (k > 0 && text.charAt(i) != text.charAt(k)) {
        k = fallback[k - 1];
      }
      if (text.charAt(i) == text.charAt(k)) {
        k++;
      }
      fallback[i] = k;
    }
  }

  String text() {
    return text;
  }

  /** Whether {@code s} contains the needle: what {@code s.contains(needle)} says. */
  boolean foundIn(String s) {
    if ((long) s.length() * text.length() <= QUICK) {
      return s.contains(text);
    }
    for (int i = 0, k = 0; i < s.length(); i++) {
      while (k > 0 && s.charAt(i) != text.charAt(k)) {
        k = fallback[k - 1];
      }
      if (s.charAt(i) == text.charAt(k) && ++k == text.length()) {
        return true;
      }
    }
    return false;
  }
}
