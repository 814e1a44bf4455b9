package com.example.starter;

import io.conduit.task.TaskContext;
import io.conduit.task.TaskHandler;
import io.vertx.core.json.JsonObject;

/** A task, registered by name in the deployment file: counts the words of {@code {"text": "..."}}. */
public class WordCount implements TaskHandler {

  @Override
  public void validate(JsonObject args) {
    if (!(args.getValue("text") instanceof String)) {
      throw new IllegalArgumentException("'text' must be a string"); // refused at submit time, 400
    }
  }

  @Override
  public Object run(JsonObject args, TaskContext context) {
    String text = args.getString("text").strip();
    return new JsonObject().put("words", text.isEmpty() ? 0 : text.split("\\s+").length);
  }
}
