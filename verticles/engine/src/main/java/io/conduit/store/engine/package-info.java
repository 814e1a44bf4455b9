/**
 * The embedded storage engine both stores persist through: {@link io.conduit.store.engine.KeyValueEngine}
 * (ordered byte keys, atomic batches, writes that never block), its backends (memory for prototyping,
 * RocksDB with a write-ahead log for persistence) and the {@link io.conduit.store.engine.Durability}
 * that decides when a write is acknowledged. Open one with {@link io.conduit.store.engine.Engines#open}.
 */
package io.conduit.store.engine;
