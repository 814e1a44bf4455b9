package io.conduit.store.doc;

import io.conduit.store.owner.StoreOwnership;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * A document replica's configuration, read once from the verticle's JSON config.
 *
 * @param primary the primary store's address; the replica follows {@code primary + ".changes"}
 * @param address where the replica answers reads (default {@code primary + ".ro"})
 * @param waitMs  how long a read naming a {@code minVersion} the replica has not reached yet may wait
 *                for it (less if the request's own {@code timeoutMs} is shorter)
 */
public record DocReplicaOptions(String primary, String address, long waitMs) {

  private static final Set<String> FIELDS = Set.of("primary", "address", "waitMs");

  public static DocReplicaOptions fromJson(JsonObject c) {
    for (String key : c.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("document replica config: unknown field '" + key + "' (expected one of "
            + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      }
    }
    String primary = text(c, "primary", "docs");
    String address = text(c, "address", StoreOwnership.replicaReads(primary));
    if (address.equals(primary) || address.equals(primary + ".changes")) {
      throw new IllegalArgumentException("document replica: address '" + address + "' is the primary's own; "
          + "use another, e.g. '" + StoreOwnership.replicaReads(primary) + "'");
    }
    Object wait = c.getValue("waitMs", 5000);
    if (!(wait instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1) {
      throw new IllegalArgumentException("document replica: waitMs must be a positive whole number of milliseconds, "
          + "got " + wait);
    }
    return new DocReplicaOptions(primary, address, n.longValue());
  }

  private static String text(JsonObject c, String field, String dflt) {
    Object v = c.getValue(field, dflt);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("document replica: " + field + " must be a non-empty event-bus address, got "
          + v);
    }
    return s;
  }
}
