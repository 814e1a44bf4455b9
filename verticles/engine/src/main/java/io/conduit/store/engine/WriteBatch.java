package io.conduit.store.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts and deletes that an engine applies together, in the order they were added; a later
 * operation on the same key wins.
 *
 * <p>The batch copies keys and values as they are added, so callers may reuse their arrays. Build it
 * on one thread. Once passed to {@link KeyValueEngine#write} it is sealed: further changes throw,
 * and submitting the same batch again writes the same changes again.
 */
public final class WriteBatch {

  /** One change; a null value deletes the key. */
  record Change(byte[] key, byte[] value) {
  }

  private final List<Change> changes = new ArrayList<>();
  private long bytes;
  private volatile boolean sealed;

  /** Stores {@code value} under {@code key}, replacing any value there. */
  public WriteBatch put(byte[] key, byte[] value) {
    Objects.requireNonNull(value, "value");
    return add(key, value.clone());
  }

  /** Removes {@code key}; deleting a missing key is not an error. */
  public WriteBatch delete(byte[] key) {
    return add(key, null);
  }

  /** Visits each change in order: {@code value} is null for a delete. */
  public void forEach(java.util.function.BiConsumer<byte[], byte[]> change) {
    for (Change c : changes) {
      change.accept(c.key(), c.value());
    }
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** The number of puts and deletes added. */
  public int size() {
    return changes.size();
  }

  /** Key and value bytes in this batch, the measure of what a write costs. */
  public long byteSize() {
    return bytes;
  }

  private WriteBatch add(byte[] key, byte[] value) {
    Objects.requireNonNull(key, "key");
    if (sealed) {
      throw new IllegalStateException("this write batch was already submitted; start a new one");
    }
    changes.add(new Change(key.clone(), value));
    bytes += key.length + (value == null ? 0 : value.length);
    return this;
  }

  /**
   * The batch as bytes, for a standby to apply the same changes ({@link #decode}): the count, then
   * each change as key length, key, value length (-1 for a delete), value.
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
        out.writeInt(c.value() == null ? -1 : c.value().length);
        if (c.value() != null) {
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
        byte[] key = new byte[in.getInt()];
        in.get(key);
        int valueLength = in.getInt();
        if (valueLength < 0) {
          batch.delete(key);
        } else {
          byte[] value = new byte[valueLength];
          in.get(value);
          batch.add(key, value);
        }
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an encoded write batch: " + e, e);
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("not an encoded write batch: " + in.remaining() + " bytes left over");
    }
    return batch;
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
