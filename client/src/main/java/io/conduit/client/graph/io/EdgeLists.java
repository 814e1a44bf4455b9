package io.conduit.client.graph.io;

/**
 * GraphSON lists each edge twice, in the {@code outE} of its out-vertex's line and the {@code inE}
 * of its in-vertex's. TinkerPop's reader loads the {@code inE} lists; a file may have only one of
 * the two. The check pass tallies both (count and checksums of the ids, in constant memory), so a file
 * whose lists disagree is refused, and the edges are loaded once, from {@code inE} when it has any.
 */
final class EdgeLists {

  private final long[] in = new long[3];
  private final long[] out = new long[3];

  void saw(long edgeId, boolean incoming) {
    long[] t = incoming ? in : out;
    t[0]++;
    t[1] += edgeId;
    t[2] += mix(edgeId);
  }

  /** Throws when both lists are there but do not hold the same edges. */
  void checkAgree() {
    if (in[0] > 0 && out[0] > 0 && (in[0] != out[0] || in[1] != out[1] || in[2] != out[2])) {
      throw new GraphFileException(0, "the vertex lines' inE and outE lists do not hold the same edges (" + in[0]
          + " in inE, " + out[0] + " in outE): each edge must be listed under both its vertices, or the file must have "
          + "only one of the two lists");
    }
  }

  /** True when the edges are to be read from the {@code inE} lists. */
  boolean loadFromIn() {
    return in[0] > 0;
  }

  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb9fe1a85ec53L;
    return x ^ (x >>> 33);
  }
}
