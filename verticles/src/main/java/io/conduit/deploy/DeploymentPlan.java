package io.conduit.deploy;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The services a node runs, as read from a deployment file:
 * <pre>{@code
 * {"services": [
 *   {"name": "echo", "verticle": "io.conduit.examples.echo.EchoVerticle",
 *    "instances": 2, "threading": "event-loop", "config": {"address": "echo"}}
 * ]}
 * }</pre>
 * Parsing validates every field once, here; the error names the file, the field and the reason.
 */
public record DeploymentPlan(List<ServiceSpec> services) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");
  private static final Set<String> TOP_FIELDS = Set.of("services");
  private static final Set<String> SERVICE_FIELDS = Set.of("name", "verticle", "instances", "threading", "config",
      "scaling");

  public DeploymentPlan {
    services = List.copyOf(services);
  }

  /** Reads and validates a deployment file. */
  public static DeploymentPlan read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new DeploymentFileException(file + ": no such file");
    } catch (IOException e) {
      throw new DeploymentFileException(file + ": cannot be read (" + e.getMessage() + ")");
    }
    return parse(text, file.toString());
  }

  /** Validates a deployment given as JSON text; {@code source} names it in error messages. */
  public static DeploymentPlan parse(String json, String source) {
    JsonObject root;
    try {
      root = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new DeploymentFileException(source + ": not a JSON object (" + firstLine(e.getMessage()) + ")");
    }
    return fromJson(root, source);
  }

  /** Validates a deployment already parsed into JSON. */
  public static DeploymentPlan fromJson(JsonObject root, String source) {
    checkFields(root, TOP_FIELDS, source, "");
    Object services = root.getValue("services");
    if (!(services instanceof JsonArray list) || list.isEmpty()) {
      throw new DeploymentFileException(source + ": services: must be a non-empty array of services");
    }
    List<ServiceSpec> specs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String where = "services[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject service)) {
        throw new DeploymentFileException(source + ": " + where + ": must be an object");
      }
      ServiceSpec spec = service(service, source, where);
      if (!names.add(spec.name())) {
        throw new DeploymentFileException(source + ": " + where + ".name: '" + spec.name() + "' is used twice");
      }
      specs.add(spec);
    }
    return new DeploymentPlan(specs);
  }

  /** The service with this name, or null. */
  public ServiceSpec service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  /** A copy of this plan with one service replaced (matched by name). */
  public DeploymentPlan with(ServiceSpec replacement) {
    return new DeploymentPlan(services.stream()
        .map(s -> s.name().equals(replacement.name()) ? replacement : s).toList());
  }

  private static ServiceSpec service(JsonObject json, String source, String where) {
    checkFields(json, SERVICE_FIELDS, source, where + ".");
    String name = requiredString(json, "name", source, where);
    if (!NAME.matcher(name).matches()) {
      throw new DeploymentFileException(source + ": " + where + ".name: '" + name
          + "' must start with a letter and hold only letters, digits, '.', '_' or '-' (64 at most)");
    }
    String verticle = requiredString(json, "verticle", source, where);
    Instances instances = instances(json.getValue("instances", 1), source, where);
    Threading threading;
    try {
      Object t = json.getValue("threading", "event-loop");
      if (!(t instanceof String s)) {
        throw new IllegalArgumentException("must be a string, got " + t);
      }
      threading = Threading.parse(s);
      threading.checkSupported();
    } catch (IllegalArgumentException e) {
      throw new DeploymentFileException(source + ": " + where + ".threading: " + e.getMessage());
    }
    Object config = json.getValue("config", new JsonObject());
    if (!(config instanceof JsonObject cfg)) {
      throw new DeploymentFileException(source + ": " + where + ".config: must be an object");
    }
    return new ServiceSpec(name, verticle, instances, threading, cfg, scaling(json, instances, source, where));
  }

  private static Scaling scaling(JsonObject json, Instances instances, String source, String where) {
    if (!json.containsKey("scaling")) {
      return Scaling.DEFAULTS;
    }
    if (!instances.scalable()) {
      throw new DeploymentFileException(source + ": " + where + ".scaling: applies only to a service with an "
          + "instance range, e.g. \"instances\": {\"min\": 1, \"max\": 4}; this one has " + instances);
    }
    try {
      return Scaling.fromJson(json.getValue("scaling"), where + ".scaling");
    } catch (IllegalArgumentException e) {
      throw new DeploymentFileException(source + ": " + e.getMessage());
    }
  }

  private static Instances instances(Object value, String source, String where) {
    try {
      if (value instanceof Integer || value instanceof Long) {
        return Instances.fixed(((Number) value).intValue());
      }
      if (value instanceof JsonObject range) {
        checkFields(range, Set.of("min", "max"), source, where + ".instances.");
        if (!(range.getValue("min") instanceof Integer min) || !(range.getValue("max") instanceof Integer max)) {
          throw new IllegalArgumentException("min and max must both be whole numbers");
        }
        return new Instances(min, max);
      }
      throw new IllegalArgumentException("must be a whole number or {\"min\": m, \"max\": n}, got " + value);
    } catch (IllegalArgumentException e) {
      if (e instanceof DeploymentFileException) {
        throw e;
      }
      throw new DeploymentFileException(source + ": " + where + ".instances: " + e.getMessage());
    }
  }

  private static String requiredString(JsonObject json, String field, String source, String where) {
    Object v = json.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new DeploymentFileException(source + ": " + where + "." + field + ": required, a non-empty string");
    }
    return s;
  }

  private static void checkFields(JsonObject json, Set<String> allowed, String source, String prefix) {
    for (String key : json.fieldNames()) {
      if (!allowed.contains(key)) {
        throw new DeploymentFileException(source + ": " + prefix + key + ": unknown field (expected one of "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "empty";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
