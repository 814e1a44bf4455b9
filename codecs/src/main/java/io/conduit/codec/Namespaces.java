package io.conduit.codec;

import java.util.List;

/**
 * Address prefixes that belong to Vert.x and to Conduit itself: no client may call or subscribe
 * to them unless listed, and no external worker may serve them. One list, for the bridge that
 * enforces it and the deployment file that refuses a stage naming such an address.
 */
public final class Namespaces {

  /** Vert.x's own addresses, and Conduit's (its control and cluster traffic). */
  public static final List<String> OWN = List.of("__vertx.", "conduit.");

  private Namespaces() {
  }
}
