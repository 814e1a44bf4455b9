package io.conduit.client;

import io.conduit.codec.ErrorCode;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The iterator behind {@link ConduitClient#map}: keeps up to {@code window} requests in flight,
 * sending the next item whenever a result is taken, and hands results out as they complete (or in
 * input order). It pulls items lazily, so the input may be endless. Not thread-safe: one consumer.
 */
final class ParallelMap implements Iterator<MapResult> {

  /** Beyond an item's own timeout, how long to wait before calling the client broken. */
  static final Duration GRACE = Duration.ofSeconds(10);

  /** Sends one item: {@link ConduitClient#request(String, Object, Map, Duration)}. */
  interface Sender {
    CompletableFuture<Object> send(String address, Object item, Map<String, String> headers, Duration timeout);
  }

  private final Sender sender;
  private final Duration grace;
  private final String address;
  private final Iterator<?> items;
  private final MapOptions options;
  private final Duration timeout;
  private final LinkedBlockingQueue<MapResult> completed = new LinkedBlockingQueue<>();
  private final ArrayDeque<CompletableFuture<MapResult>> inOrder = new ArrayDeque<>();
  private long sent;
  private long taken;

  ParallelMap(Sender sender, String address, Iterator<?> items, MapOptions options, Duration clientTimeout,
              Duration grace) {
    this.sender = sender;
    this.grace = grace;
    this.address = address;
    this.items = items;
    this.options = options;
    this.timeout = options.timeout() == null ? clientTimeout : options.timeout();
  }

  @Override
  public boolean hasNext() {
    fill();
    return sent > taken;
  }

  @Override
  public MapResult next() {
    if (!hasNext()) {
      throw new NoSuchElementException("every item has its result");
    }
    MapResult result = options.ordered() ? nextInOrder() : nextCompleted();
    taken++;
    return result;
  }

  private void fill() {
    while (sent - taken < options.window() && items.hasNext()) {
      long index = sent++;
      Object item = items.next();
      CompletableFuture<MapResult> result = start(index, item);
      if (options.ordered()) {
        inOrder.add(result);
      } else {
        result.thenAccept(completed::add);
      }
    }
  }

  private CompletableFuture<MapResult> start(long index, Object item) {
    CompletableFuture<Object> reply;
    try {
      reply = sender.send(address, item, options.headers(), timeout);
    } catch (RuntimeException e) { // an item the client cannot encode: that item's error, not the map's
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.handle((value, error) -> error == null
        ? new MapResult(index, item, value, null)
        : new MapResult(index, item, null, asConduit(error)));
  }

  private MapResult nextCompleted() {
    try {
      MapResult result = completed.poll(timeout.plus(grace).toMillis(), TimeUnit.MILLISECONDS);
      if (result == null) {
        throw new ConduitException(ErrorCode.TIMEOUT, "no result of the map to '" + address + "' within "
            + timeout.plus(grace).toMillis() + " ms; is the client closed?");
      }
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConduitException(ErrorCode.UNAVAILABLE, "interrupted while waiting for a result");
    }
  }

  private MapResult nextInOrder() {
    try {
      // Taken off only once it has its result: after a TIMEOUT here the caller may ask again for it.
      MapResult result = inOrder.peek().get(timeout.plus(grace).toMillis(), TimeUnit.MILLISECONDS);
      inOrder.poll();
      return result;
    } catch (TimeoutException e) {
      throw new ConduitException(ErrorCode.TIMEOUT, "no result of the map to '" + address + "' within "
          + timeout.plus(grace).toMillis() + " ms; is the client closed?");
    } catch (ExecutionException e) {
      throw asConduit(e.getCause()); // cannot happen: results are built with handle()
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConduitException(ErrorCode.UNAVAILABLE, "interrupted while waiting for a result");
    }
  }

  private static ConduitException asConduit(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof ConduitException c) {
      return c;
    }
    ErrorCode code = cause instanceof IllegalArgumentException ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL;
    return new ConduitException(code, String.valueOf(cause.getMessage()));
  }
}
