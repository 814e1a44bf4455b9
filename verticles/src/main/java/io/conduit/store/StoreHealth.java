package io.conduit.store;

/** A store that can say whether it serves: the web console's {@code /health/stores} asks every one. */
public interface StoreHealth {

  /** Null while the store is open and serving; otherwise why it is not, in a sentence. */
  String storageFailure();
}
