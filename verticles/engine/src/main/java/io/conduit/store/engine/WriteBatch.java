package io.conduit.store.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Puts, deletes and range deletes that an engine applies together, in the order they were added; a
 * later operation on the same key wins.
 *
 * <p>The batch copies keys and values as they are added, so callers may reuse their arrays. Build it
 * on one thread. Once passed to {@link KeyValueEngine#write} it is sealed: further changes throw,
 * and submitting the same batch again writes the same changes again.
 */
public final class WriteBatch {

  /**
   * One change: a put ({@code value} set), a delete of {@code key} (both null), or a delete of every
   * key from {@code key}, inclusive, to {@code rangeEnd}, exclusive.
   */
  record Change(byte[] key, byte[] value, byte[] rangeEnd) {
    boolean deletesRange() {
      return rangeEnd != null;
    }
  }

  private static final int DELETE = -1;
  private static final int DELETE_RANGE = -2;

  private final List<Change> changes = new ArrayList<>();
  private long bytes;
  private int writers = 1;
  private volatile boolean sealed;

  /** Stores {@code value} under {@code key}, replacing any value there. */
  public WriteBatch put(byte[] key, byte[] value) {
    Objects.requireNonNull(value, "value");
    return add(key, value.clone(), null);
  }

  /** Removes {@code key}; deleting a missing key is not an error. */
  public WriteBatch delete(byte[] key) {
    return add(key, null, null);
  }

  /**
   * Removes every key from {@code fromInclusive} up to {@code toExclusive} (unsigned byte order),
   * however many there are, at the cost of one change: RocksDB records it as one range tombstone
   * instead of a tombstone per key.
   */
  public WriteBatch deleteRange(byte[] fromInclusive, byte[] toExclusive) {
    Objects.requireNonNull(toExclusive, "toExclusive");
    if (Arrays.compareUnsigned(Objects.requireNonNull(fromInclusive, "fromInclusive"), toExclusive) >= 0) {
      throw new IllegalArgumentException("a range to delete must end after it starts");
    }
    return add(fromInclusive, null, toExclusive.clone());
  }

  /**
   * Adds {@code other}'s changes after this batch's own, in their order; {@code other} is left as
   * it was. Joins several writers' batches into one engine write (see {@link #writers()}).
   */
  public WriteBatch addAll(WriteBatch other) {
    if (sealed) {
      throw new IllegalStateException("this write batch was already submitted; start a new one");
    }
    changes.addAll(other.changes); // a change's arrays were copied when it was added, and no one changes them
    bytes += other.bytes;
    writers += other.writers;
    return this;
  }

  /**
   * How many writers' batches this one carries: 1, plus those of each batch {@link #addAll(WriteBatch)
   * added} to it. The engine paces its writer by writers, not by engine writes.
   */
  public int writers() {
    return writers;
  }

  /**
   * Visits each put and delete in order: {@code value} is null for a delete. A batch with a range
   * delete cannot be visited this way (it is an IllegalStateException): only whole-range readers,
   * the engines and the standby encoding, take those.
   */
  public void forEach(java.util.function.BiConsumer<byte[], byte[]> change) {
    for (Change c : changes) {
      if (c.deletesRange()) {
        throw new IllegalStateException("this batch deletes a key range, which a per-key visitor cannot see");
      }
      change.accept(c.key(), c.value());
    }
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** The number of puts, deletes and range deletes added. */
  public int size() {
    return changes.size();
  }

  /** Key and value bytes in this batch, the measure of what a write costs. */
  public long byteSize() {
    return bytes;
  }

  private WriteBatch add(byte[] key, byte[] value, byte[] rangeEnd) {
    Objects.requireNonNull(key, "key");
    if (sealed) {
      throw new IllegalStateException("this write batch was already submitted; start a new one");
    }
    changes.add(new Change(key.clone(), value, rangeEnd));
    bytes += key.length + (value == null ? 0 : value.length) + (rangeEnd == null ? 0 : rangeEnd.length);
    return this;
  }

  /**
   * The batch as bytes, for a standby to apply the same changes ({@link #decode}): the count, then
   * each change as key length, key, value length (-1 for a delete, -2 for a range delete), then the
   * value, or for a range delete the end key's length and the end key.
   */
  public byte[] encode() {
    java.io.ByteArrayOutputStream bytesOut = new java.io.ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 16,
        bytes + 8L * changes.size() + 4));
    java.io.DataOutputStream out = new java.io.DataOutputStream(bytesOut);
    try {
      out.writeInt(changes.size());
      for (Change c : changes) {
        out.writeInt(c.key().length);
        out.write(c.key());
        if (c.deletesRange()) {
          out.writeInt(DELETE_RANGE);
          out.writeInt(c.rangeEnd().length);
          out.write(c.rangeEnd());
        } else if (c.value() == null) {
          out.writeInt(DELETE);
        } else {
          out.writeInt(c.value().length);
          out.write(c.value());
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytesOut.toByteArray();
  }

  /** The batch {@link #encode} wrote; a malformed array is an IllegalArgumentException. */
  public static WriteBatch decode(byte[] encoded) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(encoded);
    WriteBatch batch = new WriteBatch();
    try {
      int n = in.getInt();
      for (int i = 0; i < n; i++) {
        byte[] key = bytes(in, in.getInt());
        int valueLength = in.getInt();
        if (valueLength == DELETE) {
          batch.delete(key);
        } else if (valueLength == DELETE_RANGE) {
          batch.deleteRange(key, bytes(in, in.getInt()));
        } else {
          batch.add(key, bytes(in, valueLength), null);
        }
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an encoded write batch: " + (e.getMessage() == null ? e : e.getMessage()), e);
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("not an encoded write batch: " + in.remaining() + " bytes left over");
    }
    return batch;
  }

  /** The next {@code length} bytes, checked against what is left before anything is allocated. */
  private static byte[] bytes(java.nio.ByteBuffer in, int length) {
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("a length of " + length + " with " + in.remaining() + " bytes left");
    }
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }

  /** Called by an engine on submission: from here on the batch is read-only. */
  void seal() {
    sealed = true;
  }

  /** The changes in the order they were added; engines read them after {@link #seal}. */
  List<Change> changes() {
    return changes;
  }
}
