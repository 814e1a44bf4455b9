package io.conduit.web;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import java.util.List;

/**
 * A set of REST routes another capability adds under {@code /api} (the task queue's
 * {@code /api/tasks}). Found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.conduit.web.ApiExtension}. Its routes get the console's token, POST
 * and error rules like every other API route; the panels it lists in {@link #views} appear in the
 * console beside the built-in ones.
 */
public interface ApiExtension {

  /** Adds routes to {@code api}, the router mounted at {@code /api}. */
  void mount(Vertx vertx, Router api);

  /** The console panels that show these routes (none unless overridden). */
  default List<ConsoleView> views() {
    return List.of();
  }

  /**
   * The routes whose POST bodies are uploads the route reads itself as a stream (none unless
   * overridden); every other API route gets its body read for it, as JSON of at most 1 MB.
   */
  default List<StreamedUpload> uploads() {
    return List.of();
  }
}
