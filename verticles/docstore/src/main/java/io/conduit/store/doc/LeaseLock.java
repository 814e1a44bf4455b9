package io.conduit.store.doc;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The document store's global lock, held by token for a lease: a holder that dies or stops
 * renewing loses it when the lease runs out, so nobody waits forever (pyzdb's lock had no lease).
 * Times are milliseconds from the caller's clock. Event-loop only.
 */
final class LeaseLock {

  /** The longest lease one request may ask for. */
  static final long MAX_TTL_MS = 10 * 60_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private String token;
  private long expiresAt;

  /** True when nobody holds the lock, whatever the time: never taken, or released. */
  boolean free() {
    return token == null;
  }

  /** True when someone holds an unexpired lease at {@code now}. */
  boolean held(long now) {
    return token != null && now < expiresAt;
  }

  /** True when a request carrying {@code presented} may proceed: the lock is free or it is the holder's. */
  boolean admits(String presented, long now) {
    return !held(now) || token.equals(presented);
  }

  /** Takes the lock for {@code ttlMs}; returns the new token, or null when another holder has it. */
  String acquire(long ttlMs, long now) {
    if (held(now)) {
      return null;
    }
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    token = HexFormat.of().formatHex(bytes);
    expiresAt = now + ttlMs;
    return token;
  }

  /** Extends the holder's lease; false when {@code presented} is not the current holder's token. */
  boolean renew(String presented, long ttlMs, long now) {
    if (!held(now) || !token.equals(presented)) {
      return false;
    }
    expiresAt = now + ttlMs;
    return true;
  }

  /** Releases the lock; false when {@code presented} is not the current holder's token. */
  boolean release(String presented, long now) {
    if (!held(now) || !token.equals(presented)) {
      return false;
    }
    token = null;
    return true;
  }

  /** When the current lease ends (meaningful only while held). */
  long expiresAt() {
    return expiresAt;
  }
}
