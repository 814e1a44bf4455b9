package io.conduit.store.doc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where the next page of a scan starts. Opaque to clients: base64url of {@code L<offset>} for a
 * list, or {@code O<offset>:<key>} for an object, where {@code key} is the next key to return. An
 * object scan resumes at that key, so keys added or deleted elsewhere do not shift it; only if that
 * very key was deleted does it fall back to the offset.
 *
 * @param list   whether the cursor pages a list
 * @param offset the position of the next item
 * @param key    for an object, the next key; null for a list
 */
record ScanCursor(boolean list, long offset, String key) {

  static ScanCursor inList(long offset) {
    return new ScanCursor(true, offset, null);
  }

  static ScanCursor inObject(long offset, String key) {
    return new ScanCursor(false, offset, key);
  }

  String encode() {
    String text = list ? "L" + offset : "O" + offset + ":" + key;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static ScanCursor decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith("L")) {
        return inList(offset(text.substring(1)));
      }
      int colon = text.indexOf(':');
      if (text.startsWith("O") && colon > 0) {
        return inObject(offset(text.substring(1, colon)), text.substring(colon + 1));
      }
    } catch (IllegalArgumentException e) {
      // falls through to the refusal below
    }
    throw DocException.badRequest("scan: cursor " + Values.brief(cursor) + " is not one a scan returned; "
        + "start again without a cursor");
  }

  private static long offset(String digits) {
    long offset = Long.parseLong(digits);
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset");
    }
    return offset;
  }
}
