package io.conduit.store.doc;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.RequestHeaders;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A read-only copy of a document store, on any node: it loads the primary's snapshot, follows the
 * primary's change stream ({@code primary + ".changes"}) and answers the document reads ({@code get,
 * keys, len, contains, scan}, replies shaped as the primary's) at its own address, so that reads
 * scale out and run near their readers. Every reply carries the replica's {@code "version"}, and
 * {@code {"op": "status"}} answers {@code {"version", "primary", "lagging"}}, so clients see staleness.
 *
 * <p>Read-your-writes: a read may name {@code minVersion} (the version a write returned). It is
 * answered as soon as the replica has applied that version, or fails with 504 after
 * {@link DocReplicaOptions#waitMs()} (or the request's shorter {@code timeoutMs}). Writes, locks,
 * undo and blobs are refused with 400: send them to the primary.
 *
 * <p>Start-up does not wait for the primary: {@code start()} succeeds once both consumers are
 * registered, and the replica asks for a snapshot until the primary answers (backing off from 200 ms
 * to every 5 s), so a primary and its replicas may be deployed in any order, on any nodes. Until the
 * first snapshot has arrived reads wait as for a {@code minVersion}, then fail with 503 rather than
 * answer from an empty document. A gap in the stream (a lost event), or a {@code minVersion} read
 * waiting while the stream is quiet (a lost last event), makes it load a fresh snapshot; events that
 * arrive meanwhile are kept and applied after it. Config: {@link DocReplicaOptions}.
 */
public class DocReplicaVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(DocReplicaVerticle.class.getName());
  private static final Set<String> ENVELOPE = Set.of("minVersion", "timeoutMs", "token");
  private static final long FIRST_RETRY_MS = 200;
  private static final long MAX_RETRY_MS = 5_000;
  private static final long SNAPSHOT_TIMEOUT_MS = 10_000;
  /** How long a stream may stay quiet while reads wait for a version beyond it before a snapshot is fetched. */
  private static final long QUIET_MS = 500;
  /** Events kept while a snapshot is on its way; older ones are dropped first (the snapshot likely covers them). */
  private static final int MAX_PENDING = 100_000;

  /** A change event and its arrival number, to tell events the coming snapshot must cover from later ones. */
  private record Pending(long seq, JsonObject event) {
  }

  /** A read waiting for a version. */
  private record Parked(Message<Object> message, JsonObject request, long waitMs) {
  }

  private DocReplicaOptions options;
  private DocState state;
  private final Deque<Pending> pending = new ArrayDeque<>();
  /** Parked reads by the version they wait for, then by their timeout timer's id. */
  private final TreeMap<Long, Map<Long, Parked>> parked = new TreeMap<>();
  private boolean fetching;
  private long requestedAtSeq;
  private long retryMs = FIRST_RETRY_MS;
  private long eventsSeen;
  private boolean reloadedWhileQuiet;
  private long quietTimer = -1;
  private boolean stopped;
  private MessageConsumer<Object> changes;
  private MessageConsumer<Object> reads;

  @Override
  public Future<?> start() {
    try {
      options = DocReplicaOptions.fromJson(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    // Listen first, so that every event after the snapshot's version reaches the pending queue.
    changes = vertx.eventBus().consumer(options.primary() + ".changes", m -> onChange(m.body()));
    return changes.completion().compose(v -> {
      reload();
      reads = vertx.eventBus().consumer(options.address(), this::receive);
      return reads.completion();
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    parked.values().forEach(waiting -> waiting.values().forEach(p -> p.message().fail(ErrorCode.UNAVAILABLE.status(),
        "replica at '" + options.address() + "' is stopping")));
    parked.clear();
    return Future.join(changes == null ? Future.succeededFuture() : changes.unregister(),
        reads == null ? Future.succeededFuture() : reads.unregister());
  }

  private void onChange(Object body) {
    if (!(body instanceof JsonObject event) || !(event.getValue("version") instanceof Number)
        || !(event.getValue("record") instanceof JsonObject)) {
      LOG.log(Level.WARNING, "replica '" + options.address() + "': ignored a change event without version and record");
      return;
    }
    eventsSeen++;
    reloadedWhileQuiet = false;
    if (fetching) {
      pending.add(new Pending(eventsSeen, event));
      if (pending.size() > MAX_PENDING) {
        pending.poll();
      }
      return;
    }
    apply(event);
    release();
  }

  /** Applies the next event; skips one the state already holds; a gap starts a reload. */
  private void apply(JsonObject event) {
    long v = event.getLong("version");
    if (v <= state.version) {
      return;
    }
    if (v > state.version + 1) {
      LOG.log(Level.INFO, "replica '" + options.address() + "': missed versions " + (state.version + 1) + " to "
          + (v - 1) + "; reloading the snapshot");
      pending.add(new Pending(eventsSeen, event));
      reload();
      return;
    }
    try {
      // Not DocState.replay: an undo record carries the op as applied, and the undo history that
      // replay keeps starts empty at a snapshot (an undo of an older write would find no step).
      state.tree.apply(event.getJsonObject("record").getJsonObject("op"));
      state.version = v;
    } catch (RuntimeException e) {
      // The primary applied this record, so the copy has diverged: start again from a snapshot.
      LOG.log(Level.WARNING, "replica '" + options.address() + "': version " + v + " did not apply; reloading", e);
      reload();
    }
  }

  /** Fetches a snapshot unless one is on its way already; events are queued until it is loaded. */
  private void reload() {
    if (!fetching) {
      fetching = true;
      fetch();
    }
  }

  private void fetch() {
    if (stopped) {
      return;
    }
    requestedAtSeq = eventsSeen;
    // The primary gates its requests behind its lock; the header makes it give up before we do.
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(SNAPSHOT_TIMEOUT_MS)
        .addHeader(RequestHeaders.TIMEOUT_MS, String.valueOf(SNAPSHOT_TIMEOUT_MS));
    vertx.eventBus().<JsonObject>request(options.primary(), new JsonObject().put("op", "snapshot"), delivery)
        // Copying a large document (the local body copy, then the tree) takes a while: off the event loop.
        .compose(reply -> vertx.executeBlocking(() -> {
          JsonObject snapshot = reply.body();
          // The history stays empty: the replica neither undoes nor replays history steps.
          return new DocState(new DocTree(snapshot.getJsonObject("document")), new History(1),
              snapshot.getLong("version"));
        }))
        .onComplete(ar -> {
          if (stopped) {
            return;
          }
          if (ar.succeeded()) {
            loaded(ar.result());
          } else {
            retryLater(ar.cause());
          }
        });
  }

  private void retryLater(Throwable cause) {
    Level level = retryMs == MAX_RETRY_MS || state != null ? Level.WARNING : Level.DEBUG;
    LOG.log(level, "replica '" + options.address() + "': no snapshot from primary '" + options.primary() + "' ("
        + cause.getMessage() + "); retrying in " + retryMs + " ms");
    vertx.setTimer(retryMs, id -> fetch());
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }

  /** Takes the snapshot (the primary's word, even if older), then the events queued after it, in order. */
  private void loaded(DocState snapshot) {
    if (state != null && snapshot.version < state.version) {
      LOG.log(Level.WARNING, "replica '" + options.address() + "': primary went back from version " + state.version
          + " to " + snapshot.version + " (a restart without persistence?); following it");
    }
    state = snapshot;
    fetching = false;
    retryMs = FIRST_RETRY_MS;
    List<Pending> queued = new ArrayList<>(pending);
    pending.clear();
    for (Pending p : queued) {
      if (fetching) {
        pending.add(p);
      } else if (p.seq() <= requestedAtSeq && p.event().getLong("version") > state.version + 1) {
        // The snapshot was asked for after this event was published, so it must cover it: a stray event.
        LOG.log(Level.WARNING, "replica '" + options.address() + "': dropped change event version "
            + p.event().getLong("version") + ", beyond the primary's snapshot at version " + state.version);
      } else {
        apply(p.event());
      }
    }
    release();
  }

  private void receive(Message<Object> message) {
    if (!(message.body() instanceof JsonObject request) || !(request.getValue("op") instanceof String op)) {
      message.fail(ErrorCode.BAD_REQUEST.status(), "a replica request is a JSON object with an \"op\" field, e.g. "
          + "{\"op\": \"get\", \"path\": [\"x\"], \"minVersion\": 7}");
      return;
    }
    if (op.equals("status")) {
      message.reply(new JsonObject().put("version", state == null ? 0 : state.version).put("primary", options.primary())
          .put("lagging", state == null || fetching));
      return;
    }
    if (!ReadReplies.OPS.contains(op)) {
      message.fail(ErrorCode.BAD_REQUEST.status(), "replica at '" + options.address() + "' is read-only (it serves "
          + String.join(", ", ReadReplies.OPS.stream().sorted().toList()) + " and status); send '" + op
          + "' to the primary at '" + options.primary() + "'");
      return;
    }
    Object min = request.getValue("minVersion", 0);
    if (!(min instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
      message.fail(ErrorCode.BAD_REQUEST.status(), "minVersion must be a whole number >= 0 (the version a write "
          + "returned), got " + min);
      return;
    }
    if (state != null && state.version >= n.longValue()) {
      answer(message, request);
    } else {
      park(message, request, n.longValue());
    }
  }

  private void answer(Message<Object> message, JsonObject request) {
    String op = request.getString("op");
    try {
      message.reply(ReadReplies.of(op, state.tree.apply(withoutEnvelope(request)).value()).put("version", state.version));
    } catch (DocException e) {
      message.fail(e.code().status(), e.getMessage());
    }
  }

  private void park(Message<Object> message, JsonObject request, long minVersion) {
    long wait = waitMs(message, request);
    long timer = vertx.setTimer(wait, id -> expire(minVersion, id));
    parked.computeIfAbsent(minVersion, k -> new LinkedHashMap<>()).put(timer, new Parked(message, request, wait));
    watchForSilence();
  }

  /** Answers the parked reads the current version satisfies. */
  private void release() {
    while (state != null && !parked.isEmpty() && parked.firstKey() <= state.version) {
      parked.pollFirstEntry().getValue().forEach((timer, p) -> {
        vertx.cancelTimer(timer);
        answer(p.message(), p.request());
      });
    }
  }

  private void expire(long minVersion, long timer) {
    Map<Long, Parked> waiting = parked.get(minVersion);
    Parked p = waiting == null ? null : waiting.remove(timer);
    if (p == null) {
      return;
    }
    if (waiting.isEmpty()) {
      parked.remove(minVersion);
    }
    if (state == null) {
      p.message().fail(ErrorCode.UNAVAILABLE.status(), "replica at '" + options.address() + "' has no snapshot from "
          + "its primary '" + options.primary() + "' yet (is it deployed?); waited " + p.waitMs() + " ms");
    } else {
      p.message().fail(ErrorCode.TIMEOUT.status(), "replica at version " + state.version + " has not reached "
          + "minVersion " + minVersion + " within " + p.waitMs() + " ms");
    }
  }

  /**
   * A read waits for a version the stream has not brought: if the stream then stays quiet, its last
   * events were lost (nothing follows to reveal the gap), so one snapshot per quiet spell is fetched.
   */
  private void watchForSilence() {
    if (quietTimer >= 0) {
      return;
    }
    long seen = eventsSeen;
    quietTimer = vertx.setTimer(QUIET_MS, id -> {
      quietTimer = -1;
      if (parked.isEmpty() || stopped) {
        return;
      }
      if (eventsSeen == seen && !reloadedWhileQuiet && state != null && parked.firstKey() > state.version) {
        reloadedWhileQuiet = true;
        reload();
      }
      watchForSilence();
    });
  }

  /** The request's own timeout less a margin (so it hears why), capped by the configured wait. */
  private long waitMs(Message<Object> message, JsonObject request) {
    Object own = request.getValue("timeoutMs", message.headers().get(RequestHeaders.TIMEOUT_MS));
    try {
      return own == null ? options.waitMs()
          : Math.min(options.waitMs(), RequestHeaders.waitWithin(Long.parseLong(String.valueOf(own))));
    } catch (NumberFormatException e) {
      return options.waitMs();
    }
  }

  private static JsonObject withoutEnvelope(JsonObject request) {
    JsonObject copy = request.copy();
    ENVELOPE.forEach(copy::remove);
    return copy;
  }
}
