package io.conduit.store.graph;

import io.conduit.codec.ErrorCode;
import io.conduit.store.engine.EngineException;
import io.conduit.store.engine.KeyValueEngine;
import io.vertx.core.json.JsonObject;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The graph store's behaviour, independent of how requests arrive (event bus or embedded), run on
 * one owner thread. Writes are applied in groups with group commit: while one group's batch is
 * being made durable, new requests wait; when it is, its replies go out, the waiting reads run
 * (seeing exactly the durable graph), and all waiting writes become the next group, applied in
 * memory and written as ONE engine batch. So no reply and no read ever shows a write before it is
 * durable, and a thousand concurrent writers share one fsync. A write that fails part-way is rolled
 * back in memory before the next one runs; if a batch cannot be stored, memory is ahead of disk and
 * the store stops serving (every request 500) and is given up: a standby takes over, or the data is
 * reopened, reloading the durable graph ({@link #whenStopped}).
 */
final class GraphStore {

  private static final System.Logger LOG = System.getLogger(GraphStore.class.getName());
  private static final int MAX_GROUP = 4_096;

  /** Where one request's outcome goes. */
  interface Reply {
    void succeed(JsonObject body);

    void fail(GraphException failure);
  }

  private record Request(JsonObject body, Reply reply) {
  }

  private record Outcome(Reply reply, JsonObject body, GraphException failure, Index build) {
  }

  private final String name;
  private final GraphData graph;
  /** Null on the memory backend: nothing is stored, a write is done once applied. */
  private final GraphJournal journal;
  private final GraphOps ops;
  private final FilterLimits filterLimits;
  private final Executor owner;
  private final ArrayDeque<Request> waiting = new ArrayDeque<>();
  private boolean writing;
  private volatile String failure;
  /** While this store is its address's owner (always, unless an ownership says otherwise). */
  private java.util.function.BooleanSupplier owning = () -> true;
  /** Told why, once, when the store stops serving after a fault (its ownership gives it up). */
  private java.util.function.Consumer<String> stopped = why -> { };

  /** Null while serving; why the store stopped after a write could not be stored. */
  String failure() {
    return failure;
  }

  GraphStore(String name, GraphData graph, GraphJournal journal, GraphStoreOptions options,
             Map<String, GraphScript> scripts, Executor owner) {
    this.name = name;
    this.graph = graph;
    this.journal = journal;
    this.ops = new GraphOps(graph, options, scripts);
    this.filterLimits = options.filterLimits();
    this.owner = owner;
    owner.execute(this::dropBrokenUniqueIndexes);
  }

  /**
   * A unique index whose build was cut short by a stop, over data that shares its keys, cannot be
   * kept: it is dropped (through the journal, like any write) and the reason logged.
   */
  private void dropBrokenUniqueIndexes() {
    for (Index index : List.copyOf(graph.indexes.all())) {
      if (index.definition.unique() && index.hasDuplicates()) {
        String why = duplicateRefusal(index);
        LOG.log(Level.WARNING, "graph store '" + name + "': dropping " + why);
        submit(new JsonObject().put("op", "dropIndex").put("name", index.definition.name()), new Reply() {
          @Override
          public void succeed(JsonObject body) {
          }

          @Override
          public void fail(GraphException failure) {
            LOG.log(Level.WARNING, "graph store '" + name + "': could not drop index " + index.definition.name()
                + ": " + failure.getMessage());
          }
        });
      }
    }
  }

  private static String duplicateRefusal(Index index) {
    Map.Entry<List<Object>, java.util.Set<Long>> duplicate = index.aDuplicate();
    return "unique index " + index.definition.name() + ": the graph already has " + duplicate.getValue().size() + " "
        + index.definition.on() + "s with " + index.describe(duplicate.getKey()) + " (ids "
        + duplicate.getValue().stream().sorted().limit(5).map(String::valueOf).toList() + ")";
  }

  /**
   * Tells the store when it stops being its address's owner: a write whose durability fails then
   * (the replication was stopped) is answered UNAVAILABLE, not taken for a storage failure.
   */
  GraphStore ownedWhile(java.util.function.BooleanSupplier owning) {
    this.owning = owning;
    return this;
  }

  /** Tells {@code listener} why, on the owner thread, when the store stops serving after a fault. */
  GraphStore whenStopped(java.util.function.Consumer<String> listener) {
    this.stopped = listener;
    return this;
  }

  private void stopped(String why) {
    if (failure != null) {
      return; // the first fault's reason stands
    }
    failure = "graph store '" + name + "' stopped serving: " + why;
    // once the requests at hand are answered
    owner.execute(() -> stopped.accept(why));
  }

  /** Takes one request; call on the owner thread. */
  void submit(JsonObject body, Reply reply) {
    if (failure != null) {
      reply.fail(new GraphException(ErrorCode.INTERNAL, failure));
      return;
    }
    Object op = body == null ? null : body.getValue("op");
    if (!(op instanceof String) || !GraphOps.READS.contains(op) && !GraphOps.WRITES.contains(op) && !"createIndex".equals(op)) {
      reply.fail(GraphException.bad("a graph request is a JSON object with an \"op\": one of addNode, addNodes, "
          + "addEdge, addEdges, update, remove, query, createIndex, dropIndex, listIndexes, script, export, load, info; "
          + "got " + (op == null ? "no op" : "'" + op + "'")));
      return;
    }
    if (!writing && GraphOps.READS.contains(op)) {
      read(new Request(body, reply));
      return;
    }
    waiting.add(new Request(body, reply));
    if (!writing) {
      nextGroup();
    }
  }

  private void read(Request r) {
    try {
      r.reply.succeed(ops.read(r.body));
    } catch (GraphException e) {
      r.reply.fail(e);
    } catch (RuntimeException | StackOverflowError e) {
      LOG.log(Level.ERROR, "graph store '" + name + "': " + r.body.getValue("op") + " failed", e);
      r.reply.fail(new GraphException(ErrorCode.INTERNAL, "the graph store failed on this request: " + e));
    }
  }

  /** Runs the waiting reads, then applies the waiting writes as one group and writes them as one batch. */
  private void nextGroup() {
    while (!waiting.isEmpty() && !writing && failure == null) {
      runGroup();
    }
  }

  private void runGroup() {
    List<Outcome> group = new ArrayList<>();
    List<Request> writes = new ArrayList<>();
    for (Request r : waiting) {
      if (GraphOps.READS.contains(r.body.getValue("op"))) {
        read(r);
      } else {
        writes.add(r);
      }
    }
    waiting.clear();
    int taken = Math.min(writes.size(), MAX_GROUP);
    waiting.addAll(writes.subList(taken, writes.size()));
    for (int i = 0; i < taken; i++) {
      try {
        group.add(apply(writes.get(i)));
      } catch (VirtualMachineError e) {
        halt(writes.get(i), e, group, writes.subList(i, taken));
        return;
      }
    }
    GraphData.Touched touched = graph.takeTouched();
    graph.commit();
    if (touched.isEmpty() || journal == null) {
      finish(group); // nothing to store, or the memory backend: nothing to wait for
      return;
    }
    writing = true;
    // a fault on the way to storage is a batch that was not stored: the graph in memory holds it all the same
    KeyValueEngine.attempt(() -> journal.write(graph, touched)).whenCompleteAsync((ok, error) -> {
      writing = false;
      if (error != null) {
        stop(group, error);
        return;
      }
      finish(group);
      nextGroup();
    }, owner);
  }

  private Outcome apply(Request r) {
    int mark = graph.mark();
    try {
      if ("createIndex".equals(r.body.getValue("op"))) {
        return new Outcome(r.reply, null, null, createIndex(r.body));
      }
      return new Outcome(r.reply, ops.write(r.body), null, null);
    } catch (GraphException e) {
      graph.rollbackTo(mark);
      return new Outcome(r.reply, null, e, null);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // a fault of the store's own, or a script's (a class it needs is missing, an assert): thrown
      // where that code stood, between changes the undo log records, so undone whole; the group's
      // other writes are stored and answered as if this one had not come. A VirtualMachineError
      // (a stack overflow) may strike inside any change, half made: runGroup halts the store.
      graph.rollbackTo(mark);
      LOG.log(Level.ERROR, "graph store '" + name + "': " + r.body.getValue("op") + " failed and was undone", e);
      return new Outcome(r.reply, null, new GraphException(ErrorCode.INTERNAL, "the graph store failed on this "
          + "request and undid it: " + e), null);
    }
  }

  private Index createIndex(JsonObject request) {
    IndexDefinition definition = IndexDefinition.parse(request, filterLimits);
    if (graph.indexes.get(definition.name()) != null) {
      throw new GraphException(ErrorCode.CONFLICT, "createIndex: an index named " + definition.name() + " exists");
    }
    Index same = graph.indexes.sameCoverage(definition);
    if (same != null) {
      throw new GraphException(ErrorCode.CONFLICT, "createIndex: index " + same.definition.name()
          + " already covers the same fields and filters");
    }
    return graph.createIndex(definition);
  }

  private void finish(List<Outcome> group) {
    for (Outcome o : group) {
      if (o.failure != null) {
        o.reply.fail(o.failure);
      } else if (o.build != null) {
        JsonObject reply = new JsonObject().put("name", o.build.definition.name());
        new IndexBuild(graph, o.build, owner, () -> succeedIfPresent(o.reply, o.build, reply)).start();
      } else {
        o.reply.succeed(o.body);
      }
    }
  }

  private void succeedIfPresent(Reply reply, Index index, JsonObject body) {
    if (graph.indexes.get(index.definition.name()) == index && index.definition.unique() && index.hasDuplicates()) {
      // the existing data does not allow it: undo the creation through the journal, then refuse
      GraphException refusal = new GraphException(ErrorCode.CONFLICT, "createIndex: " + duplicateRefusal(index)
          + "; the index was not created");
      submit(new JsonObject().put("op", "dropIndex").put("name", index.definition.name()), new Reply() {
        @Override
        public void succeed(JsonObject ignored) {
          reply.fail(refusal);
        }

        @Override
        public void fail(GraphException failure) {
          reply.fail(failure);
        }
      });
    } else if (graph.indexes.get(index.definition.name()) == index) {
      reply.succeed(body);
    } else {
      reply.fail(new GraphException(ErrorCode.CONFLICT, "index " + index.definition.name()
          + " was dropped before it was built"));
    }
  }

  /**
   * A request failed with a {@link VirtualMachineError} (a stack overflow: a script recursing too
   * deep) while the graph in memory was being changed. Such an error is thrown wherever the stack
   * ran out, perhaps half-way through a change the undo log has not recorded yet, so memory can no
   * longer be trusted to match what is stored: the store stops serving. Nothing of this group was
   * stored or answered; reopening the data (the ownership does) recovers the last durable graph.
   */
  private void halt(Request culprit, VirtualMachineError error, List<Outcome> applied, List<Request> unapplied) {
    LOG.log(Level.ERROR, "graph store '" + name + "': " + culprit.body.getValue("op") + " failed with " + error
        + " part-way through changing the graph in memory; stopping", error);
    stopped("a " + culprit.body.getValue("op") + " request failed with " + error + " part-way through changing "
        + "the graph in memory, which may no longer match what is stored (a script recursing too deep?)");
    GraphException refusal = new GraphException(ErrorCode.INTERNAL, failure);
    applied.forEach(o -> o.reply.fail(refusal));
    unapplied.forEach(r -> r.reply.fail(refusal));
    waiting.forEach(r -> r.reply.fail(refusal));
    waiting.clear();
  }

  private void stop(List<Outcome> group, Throwable error) {
    Throwable cause = error.getCause() != null && error instanceof java.util.concurrent.CompletionException
        ? error.getCause() : error;
    if (!owning.getAsBoolean()) {
      String why = "graph store '" + name + "' stopped being the owner before this write was acknowledged: it may or "
          + "may not have been applied; retry";
      group.forEach(o -> o.reply.fail(new GraphException(ErrorCode.UNAVAILABLE, why)));
      waiting.forEach(r -> r.reply.fail(new GraphException(ErrorCode.UNAVAILABLE, why)));
      waiting.clear();
      return;
    }
    LOG.log(Level.ERROR, "graph store '" + name + "': a write could not be made durable", cause);
    stopped("a write could not be stored (" + EngineException.reason(cause) + ")");
    for (Outcome o : group) {
      o.reply.fail(new GraphException(ErrorCode.INTERNAL, failure));
    }
    for (Request r : waiting) {
      r.reply.fail(new GraphException(ErrorCode.INTERNAL, failure));
    }
    waiting.clear();
  }
}
