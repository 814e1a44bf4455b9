package io.conduit.store.engine;

import java.util.Locale;
import java.util.Objects;

/**
 * When a write counts as done. {@link #DEFAULT} loses nothing acknowledged, even on power loss.
 *
 * @param mode          how writes reach the disk
 * @param groupCommitMs for {@link Mode#GROUP}: the longest the writer holds a group open to let more
 *                      concurrent writers join it; 0 for the other modes
 */
public record Durability(Mode mode, long groupCommitMs) {

  /** The longest group window accepted; beyond it every acknowledgement would wait too long. */
  public static final long MAX_GROUP_COMMIT_MS = 1_000;

  /** Group commit with a 2 ms window: durable acknowledgements at a fraction of the fsyncs. */
  public static final Durability DEFAULT = group(2);

  public enum Mode {
    /** One fsync per batch before it is acknowledged. Durable; slowest under concurrent writers. */
    ALWAYS,
    /**
     * Batches waiting for the disk share one fsync, and each is acknowledged only after the fsync
     * that covers it. Durable as {@link #ALWAYS}; a lone writer is never delayed.
     */
    GROUP,
    /**
     * No fsync: a batch is acknowledged once written to the log in the operating system's buffers.
     * It survives the process being killed but the last writes are lost on power loss or an OS
     * crash. For tests and benchmarks only.
     */
    NONE
  }

  public Durability {
    Objects.requireNonNull(mode, "mode");
    if (groupCommitMs < 0 || groupCommitMs > MAX_GROUP_COMMIT_MS) {
      throw new IllegalArgumentException("group commit window must be 0.." + MAX_GROUP_COMMIT_MS + " ms, not "
          + groupCommitMs);
    }
    if (mode != Mode.GROUP && groupCommitMs != 0) {
      throw new IllegalArgumentException("only group commit has a window; " + mode + " takes 0 ms");
    }
  }

  public static Durability always() {
    return new Durability(Mode.ALWAYS, 0);
  }

  public static Durability group(long windowMs) {
    return new Durability(Mode.GROUP, windowMs);
  }

  public static Durability none() {
    return new Durability(Mode.NONE, 0);
  }

  /**
   * Reads a config value: {@code always}, {@code group} (2 ms window), {@code group:5ms} (or
   * {@code group:5}), {@code none}. Case and surrounding spaces are ignored.
   */
  public static Durability parse(String text) {
    String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Durability named = switch (s) {
      case "always" -> always();
      case "group" -> DEFAULT;
      case "none" -> none();
      default -> null;
    };
    if (named != null) {
      return named;
    }
    if (s.startsWith("group:")) {
      String ms = s.substring("group:".length()).trim();
      ms = ms.endsWith("ms") ? ms.substring(0, ms.length() - 2).trim() : ms;
      try {
        return group(Long.parseLong(ms));
      } catch (IllegalArgumentException e) {
        // not a number, or out of range: the general sentence below says what is accepted
      }
    }
    throw new IllegalArgumentException("durability '" + text + "' is not one of: always, group, group:<N>ms (N = 0.."
        + MAX_GROUP_COMMIT_MS + "), none");
  }

  /** The config form, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return mode == Mode.GROUP ? "group:" + groupCommitMs + "ms" : mode.name().toLowerCase(Locale.ROOT);
  }

  /** For people: {@code fsync per batch}, {@code group commit ≤ 2 ms}, {@code no fsync}. */
  public String describe() {
    return switch (mode) {
      case ALWAYS -> "fsync per batch";
      case GROUP -> "group commit ≤ " + groupCommitMs + " ms";
      case NONE -> "no fsync (recent writes lost on power loss)";
    };
  }
}
