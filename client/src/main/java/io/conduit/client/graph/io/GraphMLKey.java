package io.conduit.client.graph.io;

/**
 * A {@code <key>} a GraphML file declares: what its {@code <data>} elements hold.
 *
 * @param domain       {@code node}, {@code edge}, {@code all} (both), or another GraphML domain no Conduit entity has
 * @param defaultValue the value of an element without this data, from the key's {@code <default>}; null when none
 */
record GraphMLKey(String id, String domain, String name, GraphMLType type, Object defaultValue, boolean hasDefault) {

  boolean appliesTo(String kind) {
    return domain.equals(kind) || domain.equals("all");
  }

  /** How the key reads in a message: {@code key 'd3' (age, int)}. */
  String describe() {
    return "key '" + id + "' (" + name + ", " + (type == GraphMLType.JSON ? "json" : type.xmlName) + ")";
  }
}
