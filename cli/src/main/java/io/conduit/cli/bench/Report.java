package io.conduit.cli.bench;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

/** Prints the summary of a bench: per target its counts, throughput and latency; with a baseline, the ratios. */
public final class Report {

  private Report() {
  }

  public static void print(PrintWriter out, LoadSpec spec, long warmup, LoadResult result, LoadResult baseline) {
    out.printf("%s: %s to '%s', %d %s%s, %d-byte JSON bodies%s%n", spec.sync() ? "sync bench" : "bench",
        spec.count() > 0 ? String.format("%,d requests", spec.count()) : spec.duration().toSeconds() + " s",
        spec.address(), spec.clients(), spec.sync() ? "REQ clients, one request at a time"
            : "DEALER clients x " + spec.window() + " outstanding",
        spec.threads() == 0 ? "" : " on " + spec.threads() + " threads", spec.bodyBytes(),
        warmup == 0 ? "" : String.format(", after %,d warm-up requests per target", warmup));
    line(out, result, spec.endpoint());
    if (baseline != null) {
      line(out, baseline, "in-process JeroMQ ROUTER echo");
      out.printf("  %s/%s: throughput %.2fx, p50 latency %.2fx%n", result.target(), baseline.target(),
          ratio(result.throughput(), baseline.throughput()), ratio(result.latency().p50(), baseline.latency().p50()));
    }
    out.flush();
  }

  static void line(PrintWriter out, LoadResult r, String where) {
    out.printf("  %-6s %,.0f req/s  p50 %s  p99 %s  p99.9 %s  (%,d ok, %,d errors, %,d unanswered in %.2f s; %s)%n",
        r.target() + ":", r.throughput(), duration(r.latency().p50()), duration(r.latency().p99()),
        duration(r.latency().p999()), r.ok(), r.errorCount(), r.unanswered(), r.elapsedNanos() / 1e9, where);
    if (!r.errors().isEmpty()) {
      StringBuilder b = new StringBuilder("         errors:");
      for (Map.Entry<String, Long> e : new TreeMap<>(r.errors()).entrySet()) {
        b.append(String.format(" %s %,d", e.getKey(), e.getValue()));
      }
      out.println(b);
    }
    if (r.note() != null) {
      out.println("         note: " + r.note());
    }
  }

  /** A latency in the unit that reads best: µs below 10 ms, ms above. */
  static String duration(long nanos) {
    if (nanos < 10_000_000L) {
      return String.format("%.0f µs", nanos / 1e3);
    }
    return String.format("%.1f ms", nanos / 1e6);
  }

  static double ratio(double a, double b) {
    return b == 0 ? Double.NaN : a / b;
  }
}
