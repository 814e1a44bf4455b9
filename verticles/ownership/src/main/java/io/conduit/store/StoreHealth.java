package io.conduit.store;

import io.conduit.store.owner.StoreOwnership;

/** A store that can say whether it serves: the web console's {@code /health/stores} asks every one. */
public interface StoreHealth {

  /** Null while the store is open and serving (or a standby); otherwise why it is not, in a sentence. */
  String storageFailure();

  /** Whether this deployment owns its address or stands by, or null when the store does not say. */
  default StoreOwnership ownership() {
    return null;
  }
}
