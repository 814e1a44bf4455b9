package io.conduit.store.graph;

import java.util.Arrays;

/** A growable list of longs: a node's edge ids without a boxed set per node (1M nodes stay small). */
final class LongList {

  private static final long[] EMPTY = {};

  private long[] items = EMPTY;
  private int size;

  void add(long value) {
    if (size == items.length) {
      items = Arrays.copyOf(items, Math.max(4, size * 2));
    }
    items[size++] = value;
  }

  /** Removes the last occurrence (the most recently added, which a rollback removes first). */
  boolean remove(long value) {
    for (int i = size - 1; i >= 0; i--) {
      if (items[i] == value) {
        System.arraycopy(items, i + 1, items, i, size - i - 1);
        size--;
        return true;
      }
    }
    return false;
  }

  int size() {
    return size;
  }

  long get(int i) {
    return items[i];
  }

  /** A copy, safe to iterate while the list changes. */
  long[] toArray() {
    return Arrays.copyOf(items, size);
  }
}
