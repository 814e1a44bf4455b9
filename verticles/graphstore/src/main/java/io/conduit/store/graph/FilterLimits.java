package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;
import io.vertx.core.json.JsonArray;

/**
 * The most one filter may ask for, from the store's config: values in a list ({@code maxFilterValues})
 * and characters in the string a text lookup searches for ({@code maxFilterStringLength}). Checked
 * while a query is parsed, before any of it runs, because a filter's cost is paid again for every
 * entity it is tried on.
 */
record FilterLimits(int maxValues, int maxStringLength) {

  /** For index definitions read back from storage: they were checked when they were created. */
  static final FilterLimits NONE = new FilterLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);

  /**
   * @throws GraphException 413 naming the filter, its size and the config option that bounds it
   */
  void check(String key, Lookup lookup, Object value, String where) {
    if (value instanceof JsonArray list && list.size() > maxValues) {
      throw new GraphException(ErrorCode.TOO_LARGE, where + ": filter '" + key + "' has " + list.size()
          + " values, the most allowed is " + maxValues + " (graph config maxFilterValues)");
    }
    if (lookup.searchesText() && value instanceof String s && s.length() > maxStringLength) {
      throw new GraphException(ErrorCode.TOO_LARGE, where + ": filter '" + key + "' has a string of " + s.length()
          + " characters, the most allowed is " + maxStringLength + " (graph config maxFilterStringLength)");
    }
  }
}
