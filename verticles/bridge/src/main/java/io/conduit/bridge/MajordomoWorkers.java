package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.conduit.codec.mdp.Mdp;
import io.conduit.codec.mdp.MdpException;
import io.conduit.codec.mdp.WorkerMessage;
import io.conduit.codec.zmtp.ByteBudget;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * External Majordomo workers (MDP/0.1 worker side, RFC 7) on the bridge's ROUTER: registration,
 * round-robin dispatch with a bounded queue per service, heartbeats both ways, and what happens to
 * a request whose worker dies. Runs on the bridge's event loop, like the connections these workers
 * talk through, so its bookkeeping needs no locks. What the event-bus side must learn (a service
 * appeared or went, a request ended) is collected as {@link WorkerEvent}s and handed over in one
 * batch by {@link #flush()}.
 */
final class MajordomoWorkers {

  /** Sends frames to a worker (after its identity and delimiter); never blocks. */
  interface Sender {
    void send(byte[] identity, boolean delimited, byte[][] frames);
  }

  private static final System.Logger LOG = System.getLogger(MajordomoWorkers.class.getName());

  private final BridgeOptions options;
  private final WorkerOptions config;
  private final Sender sender;
  private final java.util.function.Consumer<List<WorkerEvent>> events;
  private final BridgeStats stats;
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final Map<String, Worker> workers = new HashMap<>();
  private final ThrottledLog protocolErrors = new ThrottledLog(LOG, Level.WARNING, "more broke it");
  private final ThrottledLog refusals = new ThrottledLog(LOG, Level.INFO, "more refused");
  private List<WorkerEvent> pendingEvents = new ArrayList<>();
  private long nextTick;
  private int queued;
  /** Bytes of the requests this instance holds for workers (queued, or with a worker). */
  private long heldBytes;
  /**
   * The cap on those bytes ({@link WorkerOptions#maxHeldBytes()}): the node's, shared by its bridge
   * instances, once {@link #shareBudget} has given it; until then this instance's own.
   */
  private ByteBudget heldBudget;
  private boolean closing;

  private static final class Worker {
    final byte[] identity;
    final String key;
    final boolean delimited;
    final Service service;
    long expiresAt;
    long heartbeatAt;
    Job job;

    Worker(byte[] identity, String key, boolean delimited, Service service) {
      this.identity = identity;
      this.key = key;
      this.delimited = delimited;
      this.service = service;
    }

    String name() {
      return HexFormat.of().formatHex(identity);
    }
  }

  private static final class Service {
    final String name;
    final boolean idempotent;
    final ArrayDeque<Worker> idle = new ArrayDeque<>();
    final ArrayDeque<Job> queue = new ArrayDeque<>();
    int workers;

    Service(String name, boolean idempotent) {
      this.name = name;
      this.idempotent = idempotent;
    }
  }

  private static final class Job {
    final long id;
    final byte[] clientId;
    final byte[] body;
    boolean retried;

    Job(WorkerJob job) {
      this.id = job.id();
      this.clientId = ByteBuffer.allocate(Long.BYTES).putLong(job.id()).array();
      this.body = job.body();
    }
  }

  MajordomoWorkers(BridgeOptions options, Sender sender, java.util.function.Consumer<List<WorkerEvent>> events,
                   BridgeStats stats) {
    this.options = options;
    this.config = options.workers();
    this.heldBudget = new ByteBudget(config.maxHeldBytes());
    this.sender = sender;
    this.events = events;
    this.stats = stats;
    this.nextTick = System.nanoTime();
  }

  /**
   * A message from a worker: {@code frames} start at "MDPW01"; {@code size} is all frames' bytes;
   * {@code clientKey} is the connection's CURVE public key (Z85), or null when there is none or it is unknown.
   */
  void received(byte[] identity, boolean delimited, List<byte[]> frames, long size, long now, String clientKey) {
    String key = new String(identity, StandardCharsets.ISO_8859_1);
    Worker worker = workers.get(key);
    if (worker != null) {
      // RFC 7: any command from a worker counts as a heartbeat.
      worker.expiresAt = now + config.expiryMs() * 1_000_000L;
    }
    WorkerMessage message;
    try {
      message = WorkerMessage.parse(frames);
    } catch (MdpException e) {
      protocolError(identity, delimited, worker, e.getMessage());
      return;
    }
    switch (message.command()) {
      case Mdp.READY -> ready(identity, key, delimited, worker, message.service(), clientKey, now);
      case Mdp.REPLY -> reply(identity, delimited, worker, message, size);
      case Mdp.HEARTBEAT -> {
        if (worker == null) {
          // A worker the bridge forgot (expired, or the bridge restarted): RFC 7 says reconnect.
          sender.send(identity, delimited, Mdp.disconnect());
        }
      }
      case Mdp.DISCONNECT -> {
        if (worker != null) {
          lose(worker, "it sent DISCONNECT", true);
        }
      }
      default -> protocolError(identity, delimited, worker, "unexpected command " + message.commandName());
    }
  }

  /** A worker's connection closed: it is lost at once (its request retried or failed), not at heartbeat expiry. */
  void gone(byte[] identity) {
    Worker worker = workers.get(new String(identity, StandardCharsets.ISO_8859_1));
    if (worker != null) {
      lose(worker, "its connection closed", true);
    }
  }

  /** A request for a service of workers, from the event loop. */
  void submit(WorkerJob request) {
    Service service = services.get(request.service());
    if (closing) {
      fail(request.id(), ErrorCode.UNAVAILABLE, "the bridge is shutting down; service '" + request.service()
          + "' takes no more requests here");
    } else if (service == null) {
      fail(request.id(), ErrorCode.UNAVAILABLE, "no external worker serves '" + request.service() + "' any more");
    } else if (service.idle.isEmpty() && service.queue.size() >= config.maxQueuedPerService()) {
      // counted where the failure reaches the client, as every worker outcome is
      fail(request.id(), ErrorCode.OVERLOADED, "all " + service.workers + " workers of '" + service.name
          + "' are busy and " + service.queue.size() + " requests wait, the most allowed; retry later");
    } else if (!heldBudget.tryAcquire(request.body().length)) {
      fail(request.id(), ErrorCode.OVERLOADED, "the node holds " + heldBudget.used() + " bytes of requests for "
          + "external workers; " + request.body().length + " more would pass its limit of " + heldBudget.limit()
          + " (maxWorkerBytes); retry later");
    } else if (!service.idle.isEmpty()) {
      dispatch(service.idle.poll(), held(new Job(request)));
    } else {
      service.queue.add(held(new Job(request)));
      queued(1);
    }
  }

  /**
   * Heartbeats workers due one and drops those silent for the liveness window. Returns the ms until
   * it next has something to do.
   */
  long tick(long now) {
    if (workers.isEmpty()) {
      return Long.MAX_VALUE;
    }
    long checkEvery = Math.max(1, Math.min(config.heartbeatIntervalMs(), config.expiryMs()) / 4);
    if (now - nextTick >= 0) {
      nextTick = now + checkEvery * 1_000_000L;
      for (Worker w : new ArrayList<>(workers.values())) {
        if (now - w.expiresAt > 0) {
          sender.send(w.identity, w.delimited, Mdp.disconnect());
          lose(w, "no heartbeat for " + config.expiryMs() + " ms", true);
        } else if (now - w.heartbeatAt >= 0) {
          heartbeat(w, now);
        }
      }
    }
    return Math.max(1, (nextTick - now) / 1_000_000L);
  }

  /** Shutdown begins: queued requests fail, requests with workers may still finish. */
  void beginClosing() {
    closing = true;
    for (Service s : services.values()) {
      failQueue(s, ErrorCode.UNAVAILABLE, "the bridge is shutting down before a worker of '" + s.name
          + "' took the request");
    }
  }

  /**
   * Every worker goes: told with DISCONNECT when {@code tellThem} (shutdown), silently when the
   * sockets themselves are gone (transport restart); their requests fail.
   */
  void dropAll(boolean tellThem, String reason) {
    for (Worker w : new ArrayList<>(workers.values())) {
      if (tellThem) {
        sender.send(w.identity, w.delimited, Mdp.disconnect());
      }
      lose(w, reason, false);
    }
  }

  /** True while some worker holds a request (shutdown waits for those, up to its grace period). */
  boolean holdRequests() {
    for (Worker w : workers.values()) {
      if (w.job != null) {
        return true;
      }
    }
    return false;
  }

  /** Hands the events collected since the last flush to the event loop, in one batch. */
  void flush() {
    if (!pendingEvents.isEmpty()) {
      List<WorkerEvent> batch = pendingEvents;
      pendingEvents = new ArrayList<>();
      events.accept(batch);
    }
  }

  private void ready(byte[] identity, String key, boolean delimited, Worker known, String name, String clientKey,
                     long now) {
    if (known != null) {
      protocolError(identity, delimited, known, "READY from a worker already registered for '"
          + known.service.name + "'");
      return;
    }
    AccessPolicy.Verdict verdict = options.access().mayServe(name, clientKey);
    String refusal = !verdict.allowed() ? verdict.reason() : closing ? "the bridge is shutting down" : null;
    if (refusal != null) {
      stats.workerRefused();
      stats.error(ErrorCode.FORBIDDEN);
      refusals.log(() -> "refused MDP worker " + HexFormat.of().formatHex(identity) + " for service '" + name
          + "': " + refusal);
      sender.send(identity, delimited, Mdp.disconnect());
      return;
    }
    Service service = services.get(name);
    if (service == null) {
      service = new Service(name, config.idempotentServices().permits(name));
      services.put(name, service);
      pendingEvents.add(new WorkerEvent.ServiceChange(name, true));
      LOG.log(Level.INFO, "external MDP workers now serve '" + name + "'");
    }
    Worker worker = new Worker(identity, key, delimited, service);
    worker.expiresAt = now + config.expiryMs() * 1_000_000L;
    workers.put(key, worker);
    service.workers++;
    stats.workers(workers.size());
    heartbeat(worker, now);
    idle(worker);
  }

  private void reply(byte[] identity, boolean delimited, Worker worker, WorkerMessage message, long size) {
    if (worker == null) {
      // RFC 7: a worker the broker does not know gets DISCONNECT (it re-registers).
      sender.send(identity, delimited, Mdp.disconnect());
      return;
    }
    Job job = worker.job;
    if (job == null || !Arrays.equals(job.clientId, message.clientId())) {
      protocolError(identity, delimited, worker, "REPLY for a request it was not given");
      return;
    }
    worker.job = null;
    released(job);
    stats.workerReplied();
    if (size > options.maxMessageBytes()) {
      fail(job.id, ErrorCode.TOO_LARGE, "the reply of a worker of '" + worker.service.name + "' is " + size
          + " bytes, over the limit of " + options.maxMessageBytes());
    } else {
      pendingEvents.add(WorkerEvent.Outcome.replied(job.id, message.body()));
    }
    idle(worker);
  }

  /** A worker is free: give it the oldest queued request, or put it at the back of the idle line. */
  private void idle(Worker worker) {
    Job next = worker.service.queue.poll();
    if (next != null) {
      queued(-1);
      dispatch(worker, next);
    } else {
      worker.service.idle.add(worker);
    }
  }

  private void dispatch(Worker worker, Job job) {
    worker.job = job;
    sender.send(worker.identity, worker.delimited, Mdp.request(job.clientId, job.body));
    // RFC 7: a peer need not heartbeat while it sends other commands.
    worker.heartbeatAt = System.nanoTime() + config.heartbeatIntervalMs() * 1_000_000L;
    stats.workerRequested();
  }

  private void heartbeat(Worker worker, long now) {
    sender.send(worker.identity, worker.delimited, Mdp.heartbeat());
    worker.heartbeatAt = now + config.heartbeatIntervalMs() * 1_000_000L;
  }

  private void protocolError(byte[] identity, boolean delimited, Worker worker, String problem) {
    stats.workerProtocolError();
    protocolErrors.log(() -> "MDP worker " + HexFormat.of().formatHex(identity) + " broke the protocol (" + problem
        + "); sent DISCONNECT");
    sender.send(identity, delimited, Mdp.disconnect());
    if (worker != null) {
      lose(worker, "it broke the protocol: " + problem, true);
    }
  }

  /**
   * A worker is gone: its request is retried (when {@code mayRetry} and the service is idempotent)
   * or failed; the service goes with its last worker.
   */
  private void lose(Worker worker, String reason, boolean mayRetry) {
    // Once only: telling a worker DISCONNECT can close its connection (its output over the limit),
    // and the close loses the worker before the caller that sent it does.
    if (!workers.remove(worker.key, worker)) {
      return;
    }
    Service service = worker.service;
    service.idle.remove(worker);
    service.workers--;
    stats.workerLost();
    LOG.log(Level.INFO, "MDP worker " + worker.name() + " of '" + service.name + "' dropped: " + reason);
    Job job = worker.job;
    worker.job = null;
    if (job != null) {
      String lost = "the worker handling this request for '" + service.name + "' was lost (" + reason + ")";
      if (!mayRetry || !service.idempotent || job.retried || service.workers == 0) {
        released(job); // failed just below; a retried job stays held
      }
      if (!mayRetry) {
        fail(job.id, ErrorCode.UNAVAILABLE, lost + "; every worker of this bridge went with it");
      } else if (!service.idempotent) {
        fail(job.id, ErrorCode.RECIPIENT_FAILURE, lost + "; not retried: '" + service.name
            + "' is not declared idempotent (bridge config idempotentServices)");
      } else if (job.retried) {
        fail(job.id, ErrorCode.RECIPIENT_FAILURE, lost + "; it had already been retried once");
      } else if (service.workers == 0) {
        fail(job.id, ErrorCode.RECIPIENT_FAILURE, lost + "; no other worker serves '" + service.name
            + "' to retry on");
      } else {
        job.retried = true;
        stats.workerRetried();
        Worker other = service.idle.poll();
        if (other != null) {
          dispatch(other, job);
        } else {
          service.queue.addFirst(job);
          queued(1);
        }
      }
    }
    if (service.workers == 0) {
      services.remove(service.name);
      failQueue(service, ErrorCode.UNAVAILABLE, "the last worker of '" + service.name + "' went away (" + reason
          + ") before it took the request");
      pendingEvents.add(new WorkerEvent.ServiceChange(service.name, false));
      LOG.log(Level.INFO, "no external MDP worker serves '" + service.name + "' any more");
    }
    stats.workers(workers.size());
  }

  private void failQueue(Service service, ErrorCode code, String message) {
    Job job;
    while ((job = service.queue.poll()) != null) {
      queued(-1);
      released(job);
      fail(job.id, code, message);
    }
  }

  /** A job accepted: its bytes, already taken from {@link #heldBudget}, are held until its outcome. */
  private Job held(Job job) {
    heldBytes += job.body.length;
    return job;
  }

  private void released(Job job) {
    heldBytes -= job.body.length;
    heldBudget.release(job.body.length);
  }

  /** From now on the cap is {@code nodeBudget}, the node's (nothing is held yet when the bridge starts). */
  void shareBudget(ByteBudget nodeBudget) {
    if (heldBytes != 0) {
      throw new IllegalStateException("requests are held already; their bytes came from another budget");
    }
    heldBudget = nodeBudget;
  }

  /** Bytes of the requests held for workers now. */
  long heldBytes() {
    return heldBytes;
  }

  private void queued(int change) {
    queued += change;
    stats.workerQueued(queued);
  }

  private void fail(long id, ErrorCode code, String message) {
    pendingEvents.add(WorkerEvent.Outcome.failed(id, code, message));
  }
}
