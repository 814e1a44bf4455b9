package io.conduit.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The config of a pipeline's entry verticle, parsed once at start:
 * <pre>{@code
 * {"name": "wordcount", "maxInFlight": 1000, "stageTimeoutMs": 30000,
 *  "stages": [{"name": "split", "address": "pipeline.wordcount.1"}, ...]}
 * }</pre>
 * The deployment file's {@code pipelines} section produces it (see {@code DeploymentPlan}).
 *
 * @param name           the pipeline's name; its entry address is {@code pipeline.<name>}
 * @param stages         the stages in order
 * @param maxInFlight    jobs the pipeline's entry instances on this node admit at once, together;
 *                       beyond it a job is refused with 429
 * @param stageTimeoutMs how long one stage may work on one job; a job whose outcome has not come
 *                       back within (stages + 1) times this fails too
 */
public record PipelineOptions(String name, List<Stage> stages, int maxInFlight, long stageTimeoutMs) {

  public static final int DEFAULT_MAX_IN_FLIGHT = 1000;
  public static final long DEFAULT_STAGE_TIMEOUT_MS = 30_000;

  /**
   * One stage as the entry sees it.
   *
   * @param number  1-based position, used in error messages
   * @param name    a name for people (error messages, metrics)
   * @param address the event-bus address of the stage's consumers
   */
  public record Stage(int number, String name, String address) {

    /** How a failure of this stage starts its error message: {@code stage 2 (step2) failed: }. */
    String failed() {
      return "stage " + number + " (" + name + ") failed: ";
    }
  }

  public PipelineOptions {
    stages = List.copyOf(stages);
  }

  /** The address jobs are sent to. */
  public String address() {
    return entryAddress(name);
  }

  /** {@code pipeline.<name>}. */
  public static String entryAddress(String pipeline) {
    return "pipeline." + pipeline;
  }

  /** {@code pipeline.<name>.<number>}: where a stage listens unless its config names an address. */
  public static String stageAddress(String pipeline, int number) {
    return entryAddress(pipeline) + "." + number;
  }

  /**
   * Parses and checks an entry verticle's config.
   *
   * @throws IllegalArgumentException naming the field and what is wrong with it
   */
  public static PipelineOptions fromConfig(JsonObject config) {
    if (!(config.getValue("name") instanceof String name) || name.isBlank()) {
      throw new IllegalArgumentException("pipeline config: 'name' is required, a non-empty string");
    }
    String where = "pipeline '" + name + "': ";
    if (!(config.getValue("stages") instanceof JsonArray list) || list.isEmpty()) {
      throw new IllegalArgumentException(where + "'stages' must be a non-empty array of {\"name\", \"address\"}");
    }
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject stage) || !(stage.getValue("address") instanceof String address)
          || address.isBlank()) {
        throw new IllegalArgumentException(where + "stages[" + i + "] must be an object with a non-empty 'address'");
      }
      if (address.indexOf('\n') >= 0) {
        throw new IllegalArgumentException(where + "stages[" + i + "].address must be one line");
      }
      stages.add(new Stage(i + 1, stage.getString("name", address), address));
    }
    int maxInFlight = positive(config.getValue("maxInFlight", DEFAULT_MAX_IN_FLIGHT), where + "'maxInFlight'");
    long timeout = positive(config.getValue("stageTimeoutMs", DEFAULT_STAGE_TIMEOUT_MS), where + "'stageTimeoutMs'");
    return new PipelineOptions(name, stages, maxInFlight, timeout);
  }

  private static int positive(Object value, String what) {
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
        || ((Number) value).longValue() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " must be a whole number from 1 to " + Integer.MAX_VALUE
          + ", got " + value);
    }
    return ((Number) value).intValue();
  }
}
