package io.conduit.pipeline;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where every job of one entry instance goes: the stages' addresses in order, the entry's results
 * address, and how long one stage may work on a job. It travels, unchanged, in the
 * {@code conduit-pipeline-route} header of every hop, so a stage needs no configuration to pass a
 * job on: one line for the timeout, one for the results address, then one per stage.
 */
final class Route {

  /** Parsed routes by header text; an entry instance has one, so this stays small. */
  private static final Map<String, Route> PARSED = new ConcurrentHashMap<>();
  private static final int MOST_PARSED = 1024;

  private final long stageTimeoutMs;
  private final String results;
  private final String[] stages;

  private Route(long stageTimeoutMs, String results, String[] stages) {
    this.stageTimeoutMs = stageTimeoutMs;
    this.results = results;
    this.stages = stages;
  }

  /** The header text of a route. */
  static String encode(long stageTimeoutMs, String results, List<String> stages) {
    StringBuilder text = new StringBuilder().append(stageTimeoutMs).append('\n').append(results);
    for (String stage : stages) {
      text.append('\n').append(stage);
    }
    return text.toString();
  }

  /** The route in a header, or null when the text is not one. */
  static Route parse(String text) {
    Route route = PARSED.get(text);
    if (route == null) {
      route = read(text);
      if (route != null) {
        if (PARSED.size() >= MOST_PARSED) {
          PARSED.clear();
        }
        PARSED.put(text, route);
      }
    }
    return route;
  }

  private static Route read(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length < 3) {
      return null;
    }
    try {
      long timeout = Long.parseLong(lines[0]);
      String[] stages = new String[lines.length - 2];
      System.arraycopy(lines, 2, stages, 0, stages.length);
      return timeout < 1 ? null : new Route(timeout, lines[1], stages);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  long stageTimeoutMs() {
    return stageTimeoutMs;
  }

  String results() {
    return results;
  }

  /** How many stages the pipeline has. */
  int size() {
    return stages.length;
  }

  /** The address of stage {@code number} (1-based). */
  String stage(int number) {
    return stages[number - 1];
  }
}
