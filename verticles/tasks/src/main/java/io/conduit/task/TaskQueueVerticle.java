package io.conduit.task;

import io.conduit.cluster.ClusterAccess;
import io.conduit.codec.ErrorCode;
import io.conduit.node.Components;
import io.conduit.store.StoreHealth;
import io.conduit.store.engine.EngineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Counter;

import java.lang.System.Logger.Level;
import java.util.UUID;

/**
 * The task queue (kge-server's Celery queue, without Redis): requests on its address are JSON
 * objects with an {@code op}:
 * <ul>
 *   <li>{@code submit {task, args, idempotencyKey?, maxRetries?, timeoutMs?, resultTtlMs?}} → {@code {id}}</li>
 *   <li>{@code status {id}} → state, progress, result or error, attempts, times (404 when unknown or expired)</li>
 *   <li>{@code cancel {id}} → the status after cancelling (409 when already finished)</li>
 *   <li>{@code list {state?, limit?, cursor?}} → {@code {tasks, cursor}}</li>
 * </ul>
 * Task records live in the cluster ({@link TaskRecords}); every node running this verticle serves
 * these ops for all tasks and runs tasks of the handlers it registers ({@link TaskQueueOptions}).
 * Deploy one instance per node; its {@code workers} setting says how many tasks run at once. On a
 * standalone node that keeps the records in its own storage, a change the storage did not take
 * stops the queue ({@link #storageFailure}), which the node's health check reports.
 */
public class TaskQueueVerticle extends VerticleBase implements StoreHealth {

  private static final System.Logger LOG = System.getLogger(TaskQueueVerticle.class.getName());

  private TaskQueueOptions options;
  private TaskHandlers handlers;
  private TaskRecords records;
  private TaskEvents events;
  private TaskRunner runner;
  private TaskOps ops;
  private Sweeper sweeper;
  private long sweepTimer = -1;
  private MessageConsumer<Object> consumer;
  private final String componentId = "tasks-" + UUID.randomUUID();

  @Override
  public Future<?> start() {
    try {
      options = TaskQueueOptions.fromJson(config());
      handlers = TaskHandlers.load(options.handlers());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    events = new TaskEvents(vertx.eventBus(), options);
    Future<Counter> lastSweep = vertx.sharedData().getCounter("conduit.tasks." + options.address() + ".lastSweep");
    return Future.all(TaskRecords.open(vertx, options), lastSweep).compose(opened -> {
      records = opened.resultAt(0);
      Components.register(vertx, componentId, this); // the health checks find it
      runner = new TaskRunner(vertx, context, options, records, events, handlers, nodeName());
      ops = new TaskOps(options, handlers, records, events, runner);
      sweeper = new Sweeper(records, events, runner, handlers, options, lastSweep.result(), vertx.isClustered());
      MessageConsumer<JsonObject> taskEvents = vertx.eventBus().consumer(options.eventsAddress(), this::onEvent);
      MessageConsumer<String> cancels = vertx.eventBus().consumer(options.cancelAddress(),
          m -> runner.cancelLocal(m.body()));
      consumer = vertx.eventBus().consumer(options.address(), this::receive);
      return Future.all(taskEvents.completion(), cancels.completion(), consumer.completion());
    }).compose(v -> {
      runner.start();
      sweepTimer = vertx.setPeriodic(options.sweepMs(), t -> sweeper.sweepIfDue());
      // a node starting up learns of every waiting task; a standalone node that keeps the records
      // itself knows that nobody runs the tasks they say are running: they were lost with the last process
      return sweeper.sweep(records.ownedByThisNode());
    }).onFailure(e -> Components.unregister(vertx, componentId));
  }

  @Override
  public Future<?> stop() {
    Components.unregister(vertx, componentId);
    vertx.cancelTimer(sweepTimer);
    Future<?> stopped = runner == null ? Future.succeededFuture() : runner.stop();
    return records == null ? stopped : stopped.eventually(() -> records.close(vertx));
  }

  /** Null while serving; otherwise why the queue stopped (a change its storage did not take). */
  @Override
  public String storageFailure() {
    return records == null ? null : records.storageFailure();
  }

  private void receive(Message<Object> message) {
    if (!(message.body() instanceof JsonObject request) || !(request.getValue("op") instanceof String op)) {
      message.fail(ErrorCode.BAD_REQUEST.status(), "a task queue request is a JSON object with an \"op\": submit, "
          + "status, cancel or list, e.g. {\"op\": \"status\", \"id\": \"...\"}");
      return;
    }
    Future<JsonObject> reply;
    try {
      reply = switch (op) {
        case "submit" -> ops.submit(SubmitRequest.fromJson(request, options));
        case "status" -> ops.status(TaskOps.id(request));
        case "cancel" -> ops.cancel(TaskOps.id(request));
        case "list" -> ops.list(ListRequest.fromJson(request));
        default -> throw new TaskException(ErrorCode.BAD_REQUEST, "unknown op '" + op
            + "'; the task queue knows submit, status, cancel and list");
      };
    } catch (IllegalArgumentException e) {
      reply = Future.failedFuture(new TaskException(ErrorCode.BAD_REQUEST, e.getMessage()));
    } catch (TaskException e) {
      reply = Future.failedFuture(e);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // a fault of the queue's own: answered (its caller does not wait for nothing) and logged
      LOG.log(Level.ERROR, "task queue '" + options.address() + "': a fault handling '" + op + "'", e);
      reply = Future.failedFuture(e);
    }
    reply.onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else if (ar.cause() instanceof TaskException e) {
        message.fail(e.code().status(), e.getMessage());
      } else {
        message.fail(ErrorCode.INTERNAL.status(), "task queue '" + options.address() + "': "
            + EngineException.reason(ar.cause()));
      }
    });
  }

  /** Every node hears every change: tasks that wait become candidates to run here. */
  private void onEvent(Message<JsonObject> m) {
    JsonObject e = m.body();
    if (!(e.getValue("id") instanceof String id) || !(e.getValue("state") instanceof String state)
        || !(e.getValue("task") instanceof String task)) {
      return;
    }
    switch (state) {
      case "PENDING" -> runner.offer(id, task, e.getLong("availableAt", 0L));
      case "RETRY" -> runner.offer(id, task, e.getLong("retryAt", 0L));
      default -> runner.withdraw(id);
    }
  }

  private String nodeName() {
    var manager = ClusterAccess.manager(vertx);
    String node = manager == null ? "standalone" : manager.getNodeId();
    return node + "/" + UUID.randomUUID().toString().substring(0, 8);
  }
}
