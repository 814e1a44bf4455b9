package io.conduit.client.graph.io;

/**
 * The graph store's rule for data field names, checked where a file declares them so that the error
 * names the file's line; the store checks it again on every write.
 */
final class DataFields {

  private DataFields() {
  }

  /** Why {@code name} cannot be a field name, or null when it can. */
  static String problem(String name) {
    if (name.isEmpty() || !Character.isLetter(name.charAt(0)) || name.contains("__")) {
      return "'" + name + "' is not a field name a Conduit graph takes (a field name starts with a letter and "
          + "does not contain '__')";
    }
    return null;
  }
}
