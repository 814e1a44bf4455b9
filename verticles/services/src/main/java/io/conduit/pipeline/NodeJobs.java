package io.conduit.pipeline;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs a node's entry instances of one pipeline hold together. {@code maxInFlight} bounds
 * them all at once, so that no instance refuses a job while another has room (requests reach the
 * instances in turn, whatever their jobs take). Instances run on different event loops: the count
 * is atomic, and kept in a local map so that every instance of the pipeline on this Vert.x
 * instance finds the same one.
 */
final class NodeJobs implements Shareable {

  private static final String MAP = "conduit.pipeline.jobs";

  private final AtomicInteger count = new AtomicInteger();

  private NodeJobs() {
  }

  /** The count of pipeline {@code name} on this node. */
  static NodeJobs of(Vertx vertx, String name) {
    return vertx.sharedData().<String, NodeJobs>getLocalMap(MAP).computeIfAbsent(name, k -> new NodeJobs());
  }

  /**
   * Counts one more job, unless {@code max} are in flight already. Never counts past {@code max},
   * not even for a moment: a refusal in progress must not make another instance refuse too.
   */
  boolean tryAdmit(int max) {
    for (int now = count.get(); now < max; now = count.get()) {
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
    return false;
  }

  /** {@code n} jobs have ended (answered, failed, expired or dropped at stop). */
  void ended(int n) {
    count.addAndGet(-n);
  }

  int inFlight() {
    return count.get();
  }
}
