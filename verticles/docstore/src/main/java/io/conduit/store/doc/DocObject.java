package io.conduit.store.doc;

import java.util.HashMap;
import java.util.Map;

/**
 * A JSON object inside the tree: keys in insertion order, like a Python dict. Unlike
 * {@code LinkedHashMap} it can put a key back just before another one in O(1), which is what lets
 * undo restore a deleted key to its old place, and it lets a scan resume at a key without walking
 * the keys before it.
 */
final class DocObject {

  /** One key and its value, linked to its neighbours in key order. */
  static final class Member {
    private final String key;
    private Object value;
    private Member prev;
    private Member next;

    private Member(String key, Object value) {
      this.key = key;
      this.value = value;
    }

    String key() {
      return key;
    }

    Object value() {
      return value;
    }

    /** The member after this one in key order, or null. */
    Member next() {
      return next;
    }
  }

  private final Map<String, Member> members = new HashMap<>();
  private Member first;
  private Member last;

  int size() {
    return members.size();
  }

  boolean has(String key) {
    return members.containsKey(key);
  }

  /** The value of {@code key}; null when absent or null (tell them apart with {@link #has}). */
  Object get(String key) {
    Member m = members.get(key);
    return m == null ? null : m.value;
  }

  /** The member for {@code key}, or null. */
  Member member(String key) {
    return members.get(key);
  }

  Member first() {
    return first;
  }

  /** The member at position {@code index} in key order, or null past the end; walks from the nearer end. */
  Member memberAt(long index) {
    if (index < 0 || index >= members.size()) {
      return null;
    }
    if (index <= members.size() / 2) {
      Member m = first;
      for (long i = 0; i < index; i++) {
        m = m.next;
      }
      return m;
    }
    Member m = last;
    for (long i = members.size() - 1; i > index; i--) {
      m = m.prev;
    }
    return m;
  }

  /** Sets {@code key}: an existing key keeps its place, a new one goes last. */
  void put(String key, Object value) {
    Member m = members.get(key);
    if (m != null) {
      m.value = value;
    } else {
      putBefore(key, value, null);
    }
  }

  /** Adds a new {@code key} just before the existing key {@code successor}, or last when that is null. */
  void putBefore(String key, Object value, String successor) {
    Member m = new Member(key, value);
    Member after = successor == null ? null : members.get(successor);
    Member before = after == null ? last : after.prev;
    m.prev = before;
    m.next = after;
    if (before == null) {
      first = m;
    } else {
      before.next = m;
    }
    if (after == null) {
      last = m;
    } else {
      after.prev = m;
    }
    members.put(key, m);
  }

  /** Removes {@code key} if present and returns its member (still holding its old value and next key). */
  Member remove(String key) {
    Member m = members.remove(key);
    if (m == null) {
      return null;
    }
    if (m.prev == null) {
      first = m.next;
    } else {
      m.prev.next = m.next;
    }
    if (m.next == null) {
      last = m.prev;
    } else {
      m.next.prev = m.prev;
    }
    return m;
  }

  void clear() {
    members.clear();
    first = null;
    last = null;
  }
}
