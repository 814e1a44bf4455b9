package io.conduit.codec.zmtp;

import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A node-wide cap on bytes held for partly received messages, shared by every connection of a
 * server (they may live on different event loops, hence atomic). A connection that cannot get
 * bytes from it is closed; the others keep what they have. Shareable, so the bridge instances of a
 * node find one budget in Vert.x's local shared data.
 */
public final class ByteBudget implements Shareable {

  private final long limit;
  private final AtomicLong used = new AtomicLong();

  public ByteBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a byte budget must be positive, got " + limit);
    }
    this.limit = limit;
  }

  /** Takes {@code bytes} if they fit under the limit; false (and nothing taken) otherwise. */
  public boolean tryAcquire(long bytes) {
    while (true) {
      long now = used.get();
      if (now + bytes > limit) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  public void release(long bytes) {
    used.addAndGet(-bytes);
  }

  public long used() {
    return used.get();
  }

  public long limit() {
    return limit;
  }
}
