package io.conduit.store.graph;

import java.util.List;

/**
 * One parsed query step. Only the fields its name uses are set.
 *
 * @param index     1-based position in its query, for error messages
 * @param name      the step's name, one of {@link Query#STEP_NAMES}
 * @param filters   V/E and hop filters
 * @param number    limit/skip/random count, hop repetitions
 * @param ids       v/e/without ids
 * @param fields    data fields, the orderBy/sum field, the aka/collect name, the dedup/without/select
 *                  aka names, random's hop
 * @param descending orderBy direction
 * @param other     the second query of a set operation
 * @param path      shortestPath's arguments
 * @param groupCount groupCount's arguments
 */
record Step(int index, String name, List<Filter> filters, long number, long[] ids, List<String> fields,
            boolean descending, Query other, PathRequest path, GroupCount groupCount) {

  /** {@code step 2 (outV)}: how errors name a step. */
  String where() {
    return "step " + index + " (" + name + ")";
  }

  /** shortestPath's arguments. */
  record PathRequest(long from, long to, String weight, boolean bothWays) {
  }

  /**
   * groupCount's arguments: each entity with how often it was reached, or the total of {@code field}
   * (of the entity, or of the one named {@code of} on its way) over its arrivals; shares of the whole
   * with {@code percent}; largest first unless {@code ascending}.
   */
  record GroupCount(String field, String of, boolean percent, boolean ascending) {
  }
}
