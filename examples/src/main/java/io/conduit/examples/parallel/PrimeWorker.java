package io.conduit.examples.parallel;

import io.conduit.service.ServiceVerticle;
import io.vertx.core.json.JsonObject;

/**
 * pylm's parallel worker: CPU-bound jobs spread over the instances of one service (the event bus
 * hands each request to the next instance; deploy it with {@code "threading": "worker"} and as many
 * instances as cores, on as many nodes as you like). {@code {"op": "count", "from": 0, "to": 1000}}
 * → {@code {"from": 0, "to": 1000, "primes": 168}}. Config: {@code {"address": "primes"}}.
 */
public class PrimeWorker extends ServiceVerticle {

  private static final long MAX_SPAN = 10_000_000;

  public JsonObject count(JsonObject job) {
    if (!(job.getValue("from") instanceof Number f) || !(job.getValue("to") instanceof Number t)
        || f.longValue() < 0 || t.longValue() < f.longValue() || t.longValue() - f.longValue() > MAX_SPAN) {
      throw new IllegalArgumentException("count needs whole numbers 0 <= 'from' <= 'to', at most " + MAX_SPAN + " apart");
    }
    long primes = 0;
    for (long n = f.longValue(); n < t.longValue(); n++) {
      if (isPrime(n)) {
        primes++;
      }
    }
    return new JsonObject().put("from", f.longValue()).put("to", t.longValue()).put("primes", primes);
  }

  private static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    for (long d = 2; d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }
}
