package io.conduit.store.graph;

import java.util.Arrays;

/**
 * A node's edge ids, kept in ascending order (so hops list edges oldest first, and a rolled-back
 * removal puts an edge back where it was), without a boxed set per node: 1M nodes stay small.
 */
final class LongList {

  private static final long[] EMPTY = {};

  private long[] items = EMPTY;
  private int size;

  /** Adds an id not in the list yet; new edges have the largest ids, so this is usually an append. */
  void add(long value) {
    if (size == items.length) {
      items = Arrays.copyOf(items, Math.max(4, size * 2));
    }
    int at = size == 0 || items[size - 1] < value ? size : -Arrays.binarySearch(items, 0, size, value) - 1;
    System.arraycopy(items, at, items, at + 1, size - at);
    items[at] = value;
    size++;
  }

  boolean remove(long value) {
    int at = Arrays.binarySearch(items, 0, size, value);
    if (at < 0) {
      return false;
    }
    System.arraycopy(items, at + 1, items, at, size - at - 1);
    size--;
    return true;
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
