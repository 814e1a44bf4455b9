package io.conduit.store.graph;

/**
 * What a data field may be called, one rule for storing, filtering, indexing and ordering: it starts
 * with a letter (so it never clashes with {@code _id}) and has no {@code __} in it (so a filter key
 * {@code field__lookup} splits one way only).
 */
final class FieldNames {

  static final String RULE = "a field name starts with a letter and does not contain '__'";

  private FieldNames() {
  }

  static boolean valid(Object name) {
    return name instanceof String s && !s.isEmpty() && Character.isLetter(s.charAt(0)) && !s.contains("__");
  }
}
