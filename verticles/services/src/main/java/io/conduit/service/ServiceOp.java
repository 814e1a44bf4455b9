package io.conduit.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;

/**
 * One op of a service: a public method of the service class, resolved once at start into a method
 * handle bound to the verticle instance, with its meters.
 *
 * @param name   the op name callers send (the method's name)
 * @param input  what the method takes
 * @param handle the bound method, typed {@code ()Object} or {@code (Object)Object}
 * @param calls  the timer of every call (count, total time, p50/p99)
 * @param errors the count of calls that failed
 */
record ServiceOp(String name, Input input, MethodHandle handle, Timer calls, Counter errors) {

  /** Meter names in Micrometer's global registry; tags {@code service} (the address) and {@code op}. */
  // per op; the node's per-address meters (web.ServiceMeters) are conduit.service.requests and
  // conduit.service.errors, so these take names of their own: Prometheus keeps one tag set per name
  static final String CALLS = "conduit.service.op.calls";
  static final String ERRORS = "conduit.service.op.errors";

  /** What an op's method takes. */
  enum Input {
    /** No parameter: the body is ignored. */
    NONE("nothing"),
    /** A {@code JsonObject}: the request object itself, {@code op} field included. */
    JSON("a JSON object"),
    /** A {@code Buffer}: the bytes of a binary request (the op in the {@code op} header). */
    BINARY("bytes (application/octet-stream, with the op in an 'op' header)");

    private final String description;

    Input(String description) {
      this.description = description;
    }

    String description() {
      return description;
    }
  }

  static ServiceOp create(String service, String name, Input input, MethodHandle handle) {
    Timer calls = Timer.builder(CALLS)
        .description("Calls of a service op and their duration")
        .tags("service", service, "op", name)
        .publishPercentiles(0.5, 0.99)
        .register(Metrics.globalRegistry);
    Counter errors = Counter.builder(ERRORS)
        .description("Calls of a service op that failed")
        .tags("service", service, "op", name)
        .register(Metrics.globalRegistry);
    return new ServiceOp(name, input, handle, calls, errors);
  }

  /** Calls the method; whatever it throws propagates. */
  Object invoke(Object argument) throws Throwable {
    return input == Input.NONE ? (Object) handle.invokeExact() : (Object) handle.invokeExact(argument);
  }

  void record(long startNanos, boolean failed) {
    calls.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    if (failed) {
      errors.increment();
    }
  }
}
