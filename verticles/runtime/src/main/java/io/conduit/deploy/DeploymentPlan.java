package io.conduit.deploy;

import io.conduit.codec.Namespaces;
import io.conduit.codec.mdp.Mdp;
import io.conduit.pipeline.PipelineOptions;
import io.conduit.pipeline.PipelineVerticle;
import io.conduit.pipeline.WorkersStage;
import io.conduit.process.ProcessOptions;
import io.conduit.process.ProcessVerticle;
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
 *   {"name": "echo", "verticle": "io.conduit.builtin.EchoVerticle",
 *    "instances": 2, "threading": "event-loop", "config": {"address": "echo"}}
 *  ],
 *  "pipelines": [
 *   {"name": "wordcount", "maxInFlight": 1000, "stages": [
 *     {"name": "split", "verticle": "a.Split", "instances": 2, "config": {}},
 *     {"name": "count", "verticle": "a.Count"}]}
 * ]}
 * }</pre>
 * A pipeline becomes ordinary services: one per stage, named and addressed
 * {@code pipeline.<name>.<n>} (n from 1; a stage's config may name its own address instead), then
 * its entry {@code pipeline.<name>} ({@link PipelineVerticle}), so the node deploys and scales them
 * like any other.
 * A service entry with {@code "process": {"command": [...], "env": {...}, "cwd": ...}} instead of a
 * verticle runs each instance as a supervised operating-system process ({@link ProcessVerticle}).
 * Parsing validates every field once, here; the error names the file, the field and the reason.
 */
public record DeploymentPlan(List<ServiceSpec> services) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");
  private static final Pattern PIPELINE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,39}");
  private static final Set<String> TOP_FIELDS = Set.of("services", "pipelines");
  private static final Set<String> PIPELINE_FIELDS = Set.of("name", "stages", "maxInFlight", "stageTimeoutMs",
      "entryInstances");
  private static final Set<String> STAGE_FIELDS = Set.of("name", "verticle", "workers", "instances", "threading",
      "config", "scaling", "externalWorkers");
  /** Addresses no external worker may serve (the bridge refuses them), so no workers stage may name them. */
  private static final List<String> NOT_FOR_WORKERS = java.util.stream.Stream.concat(Namespaces.OWN.stream(),
      java.util.stream.Stream.of(Mdp.MMI_PREFIX, PipelineOptions.entryAddress(""))).toList();
  private static final Set<String> SERVICE_FIELDS = Set.of("name", "verticle", "process", "instances", "threading",
      "config", "scaling", "externalWorkers", "stateful");

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
    return parse(text, file.toString()).withProcessesIn(file.toAbsolutePath().getParent());
  }

  /**
   * This plan with each process service's working directory resolved against {@code dir} (the
   * deployment file's folder), and {@code dir} itself for those that name none.
   */
  public DeploymentPlan withProcessesIn(Path dir) {
    return new DeploymentPlan(services.stream().map(s -> {
      if (!s.verticle().equals(ProcessVerticle.class.getName())) {
        return s;
      }
      JsonObject process = s.config().getJsonObject("process").copy();
      process.put("cwd", dir.resolve(process.getString("cwd", ".")).normalize().toString());
      return s.withConfig(s.config().copy().put("process", process));
    }).toList());
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
    Object services = root.getValue("services", new JsonArray());
    Object pipelines = root.getValue("pipelines", new JsonArray());
    if (!(pipelines instanceof JsonArray pipelineList)) {
      throw new DeploymentFileException(source + ": pipelines: must be an array of pipelines");
    }
    if (!(services instanceof JsonArray list) || (list.isEmpty() && pipelineList.isEmpty())) {
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
    for (int i = 0; i < pipelineList.size(); i++) {
      String where = "pipelines[" + i + "]";
      if (!(pipelineList.getValue(i) instanceof JsonObject pipeline)) {
        throw new DeploymentFileException(source + ": " + where + ": must be an object");
      }
      for (ServiceSpec spec : pipeline(pipeline, source, where)) {
        if (!names.add(spec.name())) {
          throw new DeploymentFileException(source + ": " + where + ": its service '" + spec.name()
              + "' is also declared elsewhere (pipeline names must be unique)");
        }
        specs.add(spec);
      }
    }
    DeploymentPlan plan = new DeploymentPlan(specs);
    plan.checkWorkersStages(source);
    return plan;
  }

  /**
   * A stage done by workers must name an address the bridge lets workers serve: not one of this
   * deployment's own services nor one below it (a process service's address, or one with
   * {@code "externalWorkers": true}, is theirs).
   */
  private void checkWorkersStages(String source) {
    List<String> reserved = reservedAddresses();
    for (ServiceSpec spec : services) {
      // a WorkersStage declared as a service of its own without "workers" fails its start, saying so
      if (spec.verticle().equals(WorkersStage.class.getName())
          && spec.config().getValue("workers") instanceof String workers) {
        for (String own : reserved) {
          if (workers.equals(own) || workers.startsWith(own + ".")) {
            throw new DeploymentFileException(source + ": the pipeline stage " + spec.name() + " is to be done by the "
                + "workers of '" + workers + "', " + (workers.equals(own) ? "which is" : "which is below '" + own
                + "',") + " an address this deployment serves itself; name an address of the workers' own (or give "
                + "the service \"externalWorkers\": true)");
          }
        }
      }
    }
  }

  /** The service with this name, or null. */
  public ServiceSpec service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  /**
   * The addresses this node's own services answer on ({@link ServiceSpec#ownAddress()}), except those
   * of services that admit external workers ({@code "externalWorkers": true}). The bridge keeps
   * workers off them and off the addresses below them ({@code docs.changes}, {@code tasks.events.<id>}).
   */
  public List<String> reservedAddresses() {
    return services.stream().filter(s -> !s.externalWorkers()).map(ServiceSpec::ownAddress).distinct().toList();
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
    if (json.containsKey("process")) {
      return processService(json, name, source, where);
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
    Object external = json.getValue("externalWorkers", false);
    if (!(external instanceof Boolean externalWorkers)) {
      throw new DeploymentFileException(source + ": " + where + ".externalWorkers: must be true or false, got "
          + external);
    }
    Object statefulValue = json.getValue("stateful", false);
    if (!(statefulValue instanceof Boolean stateful)) {
      throw new DeploymentFileException(source + ": " + where + ".stateful: must be true or false, got " + statefulValue);
    }
    return new ServiceSpec(name, verticle, instances, threading, cfg, scaling(json, instances, source, where),
        externalWorkers, stateful);
  }

  /**
   * An entry with {@code "process"} instead of {@code "verticle"}: each instance is a supervised
   * operating-system process ({@link ProcessVerticle}), typically an external Majordomo worker of
   * the service's address, which the bridge therefore lets workers serve.
   */
  private static ServiceSpec processService(JsonObject json, String name, String source, String where) {
    for (String field : List.of("verticle", "threading", "stateful", "externalWorkers")) {
      if (json.containsKey(field)) {
        throw new DeploymentFileException(source + ": " + where + "." + field + ": not for a process service "
            + "(an entry has either \"verticle\" or \"process\"; a process's instances are processes, and "
            + "its address is open to the workers it runs)");
      }
    }
    ProcessOptions process;
    try {
      process = ProcessOptions.fromJson(json.getValue("process"));
    } catch (IllegalArgumentException e) {
      throw new DeploymentFileException(source + ": " + where + "." + e.getMessage());
    }
    Object config = json.getValue("config", new JsonObject());
    if (!(config instanceof JsonObject cfg)) {
      throw new DeploymentFileException(source + ": " + where + ".config: must be an object");
    }
    if (!(cfg.getValue("address", name) instanceof String address) || address.isBlank()) {
      throw new DeploymentFileException(source + ": " + where + ".config.address: must be a non-empty string");
    }
    Instances instances = instances(json.getValue("instances", 1), source, where);
    JsonObject processConfig = cfg.copy().put("address", address).put("service", name).put("process", process.toJson());
    return new ServiceSpec(name, ProcessVerticle.class.getName(), instances, Threading.EVENT_LOOP, processConfig,
        scaling(json, instances, source, where), true, false);
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

  /** A pipeline as services: its stages in order, then its entry. */
  private static List<ServiceSpec> pipeline(JsonObject json, String source, String where) {
    checkFields(json, PIPELINE_FIELDS, source, where + ".");
    String name = requiredString(json, "name", source, where);
    if (!PIPELINE_NAME.matcher(name).matches()) {
      throw new DeploymentFileException(source + ": " + where + ".name: '" + name
          + "' must start with a letter and hold only letters, digits, '_' or '-' (40 at most)");
    }
    if (!(json.getValue("stages") instanceof JsonArray stages) || stages.isEmpty()) {
      throw new DeploymentFileException(source + ": " + where + ".stages: must be a non-empty array of stages "
          + "({\"verticle\": ..., \"instances\": ..., \"config\": {...}})");
    }
    List<ServiceSpec> specs = new ArrayList<>();
    JsonArray entryStages = new JsonArray();
    for (int i = 0; i < stages.size(); i++) {
      String at = where + ".stages[" + i + "]";
      if (!(stages.getValue(i) instanceof JsonObject stage)) {
        throw new DeploymentFileException(source + ": " + at + ": must be an object");
      }
      if (Boolean.TRUE.equals(stage.getValue("externalWorkers"))) {
        throw new DeploymentFileException(source + ": " + at + ".externalWorkers: a stage's jobs are passed on to the "
            + "next stage, not answered, so workers cannot serve a stage's address; to have external workers do a "
            + "stage's work, give it \"workers\": \"SERVICE\" (no verticle) and run the workers on SERVICE");
      }
      checkFields(stage, STAGE_FIELDS, source, at + ".");
      boolean byWorkers = stage.containsKey("workers");
      for (String field : byWorkers ? List.of("verticle", "threading", "config") : List.<String>of()) {
        if (stage.containsKey(field)) {
          throw new DeploymentFileException(source + ": " + at + "." + field + ": not for a stage done by workers "
              + "(\"workers\" names the service that does its work)");
        }
      }
      String doer = byWorkers ? workersService(stage, source, at) : requiredString(stage, "verticle", source, at);
      Object stageName = stage.getValue("name",
          byWorkers ? doer : doer.substring(Math.max(doer.lastIndexOf('.'), doer.lastIndexOf('$')) + 1));
      if (!(stageName instanceof String label) || label.isBlank()) {
        throw new DeploymentFileException(source + ": " + at + ".name: must be a non-empty string");
      }
      JsonObject asService = stage.copy().put("name", PipelineOptions.stageAddress(name, i + 1));
      if (byWorkers) {
        // timeoutMs is the pipeline's stageTimeoutMs, filled in once that is checked (below)
        asService.remove("workers");
        asService.put("verticle", WorkersStage.class.getName()).put("config", new JsonObject().put("workers", doer));
      }
      ServiceSpec spec = service(asService, source, at);
      if (!(spec.config().getValue("address", "") instanceof String address)) {
        throw new DeploymentFileException(source + ": " + at + ".config.address: must be a string");
      }
      if (address.isBlank()) {
        spec = spec.withConfig(spec.config().copy().put("address", spec.name()));
      }
      specs.add(spec);
      entryStages.add(new JsonObject().put("name", label).put("address", spec.config().getString("address")));
    }
    Object entryInstances = json.getValue("entryInstances", 1);
    if (!(entryInstances instanceof Integer n) || n < 1 || n > 64) {
      throw new DeploymentFileException(source + ": " + where + ".entryInstances: must be a whole number from 1 to 64, got "
          + entryInstances);
    }
    JsonObject entry = new JsonObject().put("name", name).put("stages", entryStages)
        .put("maxInFlight", json.getValue("maxInFlight", PipelineOptions.DEFAULT_MAX_IN_FLIGHT))
        .put("stageTimeoutMs", json.getValue("stageTimeoutMs", PipelineOptions.DEFAULT_STAGE_TIMEOUT_MS));
    PipelineOptions checked;
    try {
      checked = PipelineOptions.fromConfig(entry);
    } catch (IllegalArgumentException e) {
      throw new DeploymentFileException(source + ": " + where + ": " + e.getMessage());
    }
    // maxInFlight bounds the node's entry instances together: they count their jobs in one place
    entry.put("maxInFlight", checked.maxInFlight());
    for (int k = 0; k < specs.size(); k++) {
      ServiceSpec stage = specs.get(k);
      if (stage.verticle().equals(WorkersStage.class.getName())) {
        specs.set(k, stage.withConfig(stage.config().copy().put("timeoutMs", checked.stageTimeoutMs())));
      }
    }
    specs.add(new ServiceSpec(PipelineOptions.entryAddress(name), PipelineVerticle.class.getName(),
        Instances.fixed(n), Threading.EVENT_LOOP, entry));
    return specs;
  }

  /** The worker service a stage's {@code workers} names: an address the bridge lets workers serve. */
  private static String workersService(JsonObject stage, String source, String at) {
    String service = requiredString(stage, "workers", source, at);
    for (String prefix : NOT_FOR_WORKERS) {
      if (service.startsWith(prefix)) {
        throw new DeploymentFileException(source + ": " + at + ".workers: '" + service + "' is under '" + prefix
            + "', which workers cannot serve; name a service of your own, such as 'py.upper'");
      }
    }
    return service;
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
