package io.conduit.cli.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the bridge's threading design costs before any Conduit code runs: one synchronous REQ client
 * against a raw JeroMQ ROUTER echo, against the same echo with the bridge's two thread hand-offs
 * ({@link RawEcho#withHandOffs()}) and, when an endpoint is given, against a bridge; the targets take
 * turns within each run, and the p50 latencies and their ratios to raw are printed per run and as
 * medians.
 * <pre>java -cp cli/target/conduit.jar:bench/harness/target/conduit-bench-harness.jar io.conduit.cli.bench.HandOffBenchmark [bridge-endpoint|-] [runs=5] [count=10000]</pre>
 */
public final class HandOffBenchmark {

  private HandOffBenchmark() {
  }

  public static void main(String[] args) {
    String bridge = args.length > 0 && !args[0].equals("-") ? args[0] : null;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    long count = args.length > 2 ? Long.parseLong(args[2]) : 10_000;
    Progress quiet = new Progress(new PrintWriter(new StringWriter()), false);
    try (RawEcho raw = RawEcho.start(); RawEcho handOff = RawEcho.withHandOffs()) {
      Map<String, String> targets = new LinkedHashMap<>();
      targets.put("raw", raw.endpoint());
      targets.put("hand-offs", handOff.endpoint());
      if (bridge != null) {
        targets.put("bridge", bridge);
      }
      List<String> names = new ArrayList<>(targets.keySet());
      Map<String, List<Double>> p50s = new LinkedHashMap<>();
      names.forEach(n -> p50s.put(n, new ArrayList<>()));
      for (int run = 1; run <= runs; run++) {
        for (int i = 0; i < names.size(); i++) {
          String name = names.get((run + i) % names.size()); // each target goes first in turn
          LoadSpec load = new LoadSpec(targets.get(name), "echo", 1, 1, 100, count, null, true);
          p50s.get(name).add(LoadRunner.run(load, name, quiet).latency().p50() / 1_000.0);
        }
        StringBuilder line = new StringBuilder("run " + run + ":");
        int last = run - 1;
        p50s.forEach((name, values) -> line.append(String.format("  %s p50 %.0f µs (%.2fx)", name, values.get(last),
            values.get(last) / p50s.get("raw").get(last))));
        System.out.println(line);
      }
      StringBuilder summary = new StringBuilder("median of " + runs + " runs:");
      p50s.forEach((name, values) -> summary.append(String.format("  %s p50 %.0f µs", name, median(values))));
      for (String name : names.subList(1, names.size())) {
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
          ratios.add(p50s.get(name).get(r) / p50s.get("raw").get(r));
        }
        summary.append(String.format("; %s/raw median %.2fx", name, median(ratios)));
      }
      System.out.println(summary);
    }
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
