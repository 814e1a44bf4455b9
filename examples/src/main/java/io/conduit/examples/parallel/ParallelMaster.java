package io.conduit.examples.parallel;

import io.conduit.client.ConduitClient;
import io.conduit.client.MapOptions;
import io.conduit.client.MapResult;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.LongStream;

/**
 * pylm's parallel master as a client: splits [0, limit) into chunks, maps them over the
 * {@code primes} workers with a window, and adds up the counts as they complete.
 * <pre>java -cp cli/target/conduit.jar:examples/target/conduit-examples-0.1.0.jar io.conduit.examples.parallel.ParallelMaster [ENDPOINT] [LIMIT] [CHUNK]</pre>
 * Prints the total and exits 0, or names the chunks that failed and exits 1.
 */
public final class ParallelMaster {

  private ParallelMaster() {
  }

  public static void main(String[] args) {
    String endpoint = args.length > 0 ? args[0] : "tcp://127.0.0.1:5555";
    long limit = args.length > 1 ? Long.parseLong(args[1]) : 2_000_000;
    long chunk = args.length > 2 ? Long.parseLong(args[2]) : 50_000;
    try (ConduitClient client = ConduitClient.connect(endpoint)) {
      System.exit(countPrimes(client, limit, chunk, System.out) >= 0 ? 0 : 1);
    }
  }

  /** The number of primes below {@code limit}, or -1 when a chunk failed (each failure is printed). */
  public static long countPrimes(ConduitClient client, long limit, long chunk, PrintStream out) {
    List<JsonObject> jobs = LongStream.iterate(0, from -> from < limit, from -> from + chunk)
        .mapToObj(from -> new JsonObject().put("op", "count").put("from", from).put("to", Math.min(limit, from + chunk)))
        .toList();
    long primes = 0;
    int failed = 0;
    for (MapResult r : (Iterable<MapResult>) client.map("primes", jobs, MapOptions.defaults().withWindow(16))::iterator) {
      if (r.ok()) {
        primes += ((JsonObject) r.value()).getLong("primes");
      } else {
        failed++;
        out.println("chunk " + r.index() + " failed: " + r.error().code() + " " + r.error().getMessage());
      }
    }
    out.println("primes below " + limit + ": " + primes + " (" + jobs.size() + " chunks, " + failed + " failed)");
    return failed == 0 ? primes : -1;
  }
}
