package io.conduit.store.engine;

/**
 * What an engine has done since it was opened.
 *
 * @param batches        write batches acknowledged
 * @param changes        puts and deletes in those batches
 * @param bytesWritten   key and value bytes in those batches
 * @param syncs          fsyncs of the write-ahead log; {@code batches / syncs} is the group-commit gain
 * @param failedBatches  write batches that failed
 * @param pendingBatches write batches submitted and not yet acknowledged
 * @param openMillis     how long opening took, including replay of the log after a crash
 */
public record EngineStats(long batches, long changes, long bytesWritten, long syncs, long failedBatches,
                          long pendingBatches, long openMillis) {
}
