package io.conduit.cli.task;

import io.conduit.client.ConduitClient;
import io.conduit.client.Subscription;
import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Follows one task to its end: subscribes to {@code <queue>.events.<id>} through the bridge and
 * draws each change; when no event comes for a second (the subscription is not there yet, the
 * events endpoint is unreachable, or the task is quiet) it asks for the status instead.
 */
final class TaskWatch {

  private static final long POLL_MS = 1_000;

  private TaskWatch() {
  }

  /** Returns the final status. */
  static JsonObject follow(ConduitClient client, QueueConnection queue, String id, PrintWriter out, boolean terminal)
      throws InterruptedException {
    BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    Subscription subscription = null;
    if (client.eventsEndpoint() != null) {
      subscription = client.subscribe(queue.queue + ".events." + id, (headers, body) -> {
        if (body instanceof JsonObject e) {
          events.add(e);
        }
      });
    }
    ProgressBar bar = new ProgressBar(out, terminal);
    try {
      JsonObject status = queue.ask(client, statusRequest(id));
      while (true) {
        bar.show(status);
        if (finished(status)) {
          bar.done();
          return status;
        }
        JsonObject event = events.poll(POLL_MS, TimeUnit.MILLISECONDS);
        // Final states are confirmed with a status read: it carries the result even if the event was partial.
        status = event != null && !finished(event) ? event : queue.ask(client, statusRequest(id));
      }
    } finally {
      if (subscription != null) {
        subscription.close();
      }
    }
  }

  static JsonObject statusRequest(String id) {
    return new JsonObject().put("op", "status").put("id", id);
  }

  static boolean finished(JsonObject status) {
    String s = status.getString("state", "");
    return s.equals("SUCCESS") || s.equals("FAILURE") || s.equals("REVOKED");
  }
}
