package com.example.starter;

import io.conduit.service.ServiceVerticle;
import io.vertx.core.json.JsonObject;

/** A service whose public methods are its ops: {@code {"op": "greet", "name": "Ada"}} on its address. */
public class Greeter extends ServiceVerticle {

  public JsonObject greet(JsonObject args) {
    String name = args.getString("name");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("greet needs a 'name'"); // answered 400 with this message
    }
    return new JsonObject().put("greeting", "Hello, " + name + "!");
  }
}
