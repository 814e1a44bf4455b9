package com.example.inventory;

import io.conduit.web.ApiExtension;
import io.conduit.web.ConsoleView;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.List;

/**
 * A capability of a user's own, as the web module's tests see it (listed in the test resources'
 * {@code META-INF/services}): one route and two panels, the second taking an id the bridge has.
 */
public final class InventoryApi implements ApiExtension {

  @Override
  public void mount(Vertx vertx, Router api) {
    api.get("/inventory").handler(ctx -> ctx.json(new JsonObject().put("warehouse", "north")
        .put("items", new JsonArray().add(new JsonObject().put("sku", "a-1").put("count", 3)))));
  }

  @Override
  public List<ConsoleView> views() {
    return List.of(ConsoleView.json("inventory", "Inventory", "inventory", 5000),
        ConsoleView.json("bridge", "Not the bridge", "inventory", 5000));
  }
}
