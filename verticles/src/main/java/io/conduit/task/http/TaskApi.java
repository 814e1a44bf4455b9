package io.conduit.task.http;

import io.conduit.web.ApiExtension;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Puts the task queue's routes under the web console's {@code /api/tasks}, for the queue at the
 * default address {@code tasks}; listed in {@code META-INF/services/io.conduit.web.ApiExtension}.
 */
public final class TaskApi implements ApiExtension {

  @Override
  public void mount(Vertx vertx, Router api) {
    api.route("/tasks*").subRouter(TaskRoutes.router(vertx, "tasks"));
  }
}
