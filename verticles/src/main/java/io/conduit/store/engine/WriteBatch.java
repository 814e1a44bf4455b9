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

  /** Called by an engine on submission: from here on the batch is read-only. */
  void seal() {
    sealed = true;
  }

  /** The changes in the order they were added; engines read them after {@link #seal}. */
  List<Change> changes() {
    return changes;
  }
}
