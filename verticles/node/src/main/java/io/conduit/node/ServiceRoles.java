package io.conduit.node;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The role each {@link Stateful} service instance on this node plays, as the instance reports it
 * (e.g. {@code {"address": "docs", "role": "OWNER", "epoch": 3}} or {@code "role": "STANDBY"}
 * with a {@code reason}): node control adds them to its service list, so the console shows owner
 * and standbys, and the banner prints them.
 */
public final class ServiceRoles {

  private static final String MAP = "conduit.service.roles";

  private ServiceRoles() {
  }

  /** Records (or replaces) what instance {@code instance} reports; {@code role} needs an {@code address}. */
  public static void report(Vertx vertx, String instance, JsonObject role) {
    map(vertx).put(instance, role.encode());
  }

  public static void forget(Vertx vertx, String instance) {
    map(vertx).remove(instance);
  }

  /** Every role reported on this node, by address. */
  public static List<JsonObject> all(Vertx vertx) {
    List<JsonObject> all = new ArrayList<>();
    map(vertx).values().forEach(v -> all.add(new JsonObject(v)));
    all.sort(Comparator.comparing((JsonObject j) -> j.getString("address")).thenComparing(j -> j.getString("role")));
    return all;
  }

  /** The roles reported for one address. */
  public static List<JsonObject> of(Vertx vertx, String address) {
    return all(vertx).stream().filter(j -> address.equals(j.getString("address"))).toList();
  }

  private static LocalMap<String, String> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
