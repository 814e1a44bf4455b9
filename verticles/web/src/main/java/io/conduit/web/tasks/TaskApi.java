package io.conduit.web.tasks;

import io.conduit.web.ApiExtension;
import io.conduit.web.ConsoleView;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import java.util.List;

/**
 * Puts the task queue's routes under the web console's {@code /api/tasks}, for the queue at the
 * default address {@code tasks}, and its newest tasks with their progress in a console panel;
 * listed in {@code META-INF/services/io.conduit.web.ApiExtension}.
 */
public final class TaskApi implements ApiExtension {

  @Override
  public void mount(Vertx vertx, Router api) {
    api.route("/tasks*").subRouter(TaskRoutes.router(vertx, "tasks"));
  }

  @Override
  public List<ConsoleView> views() {
    return List.of(new ConsoleView("tasks", "Tasks", "tasks?newest=true&limit=20", "tasks", 3000));
  }
}
