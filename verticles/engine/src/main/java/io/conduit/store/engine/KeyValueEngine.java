package io.conduit.store.engine;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * An ordered byte-key store that the document store and the graph store persist through.
 *
 * <p>Keys are ordered by unsigned lexicographic byte order ({@code 0x00 < 0x7F < 0x80 < 0xFF}, a
 * shorter key before its extensions) in every backend, so key layouts that sort well on one sort the
 * same way on the other.
 *
 * <p>Reads may block on disk: call {@link #get} and {@link #scan} from worker threads, not from an
 * event loop. {@link #write} never blocks and may be called from anywhere.
 *
 * <p>Open one with {@link Engines#open}.
 */
public interface KeyValueEngine extends AutoCloseable {

  /**
   * The value stored under {@code key}, or null when there is none. The array returned is the
   * caller's own. May block.
   */
  byte[] get(byte[] key);

  /**
   * Visits the entries with {@code fromInclusive <= key < toExclusive} in ascending key order until
   * the visitor returns false. A null bound leaves that side open. May block.
   *
   * <p>On RocksDB the scan reads one consistent snapshot taken when it starts. The memory backend
   * scans live data: a batch written during the scan may be seen in part. The arrays passed to the
   * visitor are its own to keep.
   */
  void scan(byte[] fromInclusive, byte[] toExclusive, BiPredicate<byte[], byte[]> visitor);

  /**
   * Applies the batch's puts and deletes atomically — all or none, also across a crash — after every
   * batch submitted before it. The future completes once the batch is as durable as the engine's
   * {@link Durability} promises, or fails with an {@link EngineException}. This call never blocks;
   * the batch must not be changed afterwards (it is sealed). An empty batch is a barrier: it
   * completes once every earlier write has completed.
   *
   * <p>The future may complete on the engine's own writer thread: keep dependent actions short and
   * never wait there for another write. From Vert.x, hop back to your context with
   * {@code Future.fromCompletionStage(future, context)}.
   */
  CompletableFuture<Void> write(WriteBatch batch);

  /**
   * Runs {@code write} (a call to {@link #write}, with whatever encodes the batch first) and
   * returns its future, or a failed one when it throws: a fault on the way to the engine (the
   * engine's own bug, data that cannot be encoded, even an {@code Error} such as a stack overflow)
   * is a write that was not stored. A store must treat it as one, never hang waiting for it nor
   * take it as stored. (An out-of-memory error ends the node first: {@code conduit serve} runs
   * with {@code -XX:+ExitOnOutOfMemoryError}.)
   */
  static CompletableFuture<Void> attempt(Supplier<CompletableFuture<Void>> write) {
    try {
      return write.get();
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** What this engine has done so far; cheap, callable from any thread. */
  EngineStats stats();

  /** One line for banners and logs, e.g. {@code rocksdb at ./conduit-data/docs, group commit ≤ 2 ms}. */
  String describe();

  /**
   * Completes every write submitted before the call, flushes and releases the store. Writes submitted
   * afterwards fail; calling it again does nothing. Do not call it from inside a scan visitor.
   */
  @Override
  void close();
}
