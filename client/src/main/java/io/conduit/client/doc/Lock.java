package io.conduit.client.doc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The store's lock, held by this client for a lease: from {@link DocStore#lock}. While it is held,
 * requests made through {@link #store()} proceed and everyone else's wait. Release it with
 * {@link #unlock()}, or keep it past its lease with {@link #renew}. A client that dies loses the lock
 * when the lease runs out, so nobody waits forever; after that, {@link #store()}'s requests simply
 * queue like anyone's.
 *
 * <p>Not {@link AutoCloseable} on purpose: unlocking is a request, and a {@code close()} would have
 * to either block (which deadlocks on an event loop) or drop the unlock's failure. Use
 * {@link DocStore#withLock} for a scoped lock.
 */
public final class Lock {

  private final DocStoreClient holder;
  private final String token;
  private final long version;

  Lock(DocStoreClient holder, String token, long version) {
    this.holder = holder;
    this.token = token;
    this.version = version;
  }

  /** A DocStore (with the same timeout) whose requests carry this lock's token. */
  public DocStore store() {
    return holder;
  }

  /** The token the store handed out; requests that carry it may proceed while the lock is held. */
  public String token() {
    return token;
  }

  /** The document's version when the lock was taken. */
  public long version() {
    return version;
  }

  /** Extends the lease to {@code ttl} from now; 409 when the lock is no longer held with this token. */
  public CompletionStage<Long> renew(Duration ttl) {
    return holder.renew(ttl);
  }

  /** Releases the lock and lets waiting requests through; 409 when it is no longer held with this token. */
  public CompletionStage<Long> unlock() {
    return holder.unlock();
  }

  /** Runs {@code work} under this lock, then unlocks; see {@link DocStore#withLock}. */
  <T> CompletionStage<T> around(Function<DocStore, ? extends CompletionStage<T>> work) {
    CompletionStage<T> done;
    try {
      done = work.apply(store());
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    return done.handle((value, failed) -> unlock().handle((version, unlockFailed) -> {
      if (failed != null) {
        Throwable cause = unwrap(failed);
        if (unlockFailed != null) {
          cause.addSuppressed(unwrap(unlockFailed));
        }
        throw new CompletionException(cause);
      }
      if (unlockFailed != null) {
        throw new CompletionException(unwrap(unlockFailed));
      }
      return value;
    })).thenCompose(Function.identity());
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
