package io.conduit.deploy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The {@code scaling} field of a deployment file: defaults, overrides, and refusals that name the field. */
class ScalingConfigTest {

  private static ServiceSpec parse(String service) {
    return DeploymentPlan.parse("{\"services\": [" + service + "]}", "d.json").services().get(0);
  }

  private static String refusal(String service) {
    return assertThrows(DeploymentFileException.class, () -> parse(service)).getMessage();
  }

  @Test
  void aRangedServiceWithoutScalingGetsTheDefaults() {
    ServiceSpec s = parse("{\"name\": \"a\", \"verticle\": \"x.Y\", \"instances\": {\"min\": 1, \"max\": 3}}");
    assertEquals(Scaling.DEFAULTS, s.scaling());
    assertEquals(new Scaling(2, 100, 2_000, 30_000), Scaling.DEFAULTS);
  }

  @Test
  void fieldsLeftOutKeepTheirDefault() {
    ServiceSpec s = parse("{\"name\": \"a\", \"verticle\": \"x.Y\", \"instances\": {\"min\": 1, \"max\": 3},"
        + " \"scaling\": {\"targetInFlight\": 4.5, \"upAfterMs\": 500}}");
    assertEquals(new Scaling(4.5, 100, 500, 30_000), s.scaling());
  }

  @Test
  void scalingOnAFixedServiceIsRefused() {
    assertEquals("d.json: services[0].scaling: applies only to a service with an instance range, e.g. "
            + "\"instances\": {\"min\": 1, \"max\": 4}; this one has 2",
        refusal("{\"name\": \"a\", \"verticle\": \"x.Y\", \"instances\": 2, \"scaling\": {}}"));
  }

  @Test
  void badValuesAreNamed() {
    String ranged = "{\"name\": \"a\", \"verticle\": \"x.Y\", \"instances\": {\"min\": 1, \"max\": 3}, \"scaling\": ";
    assertEquals("d.json: services[0].scaling.upAfterMs: must be 0..3600000 ms, got -1",
        refusal(ranged + "{\"upAfterMs\": -1}}"));
    assertEquals("d.json: services[0].scaling.targetInFlight: must be more than 0 (and at most 1000000), got 0.0",
        refusal(ranged + "{\"targetInFlight\": 0}}"));
    assertEquals("d.json: services[0].scaling.downAfterMs: must be a whole number of milliseconds, got soon",
        refusal(ranged + "{\"downAfterMs\": \"soon\"}}"));
    assertEquals("d.json: services[0].scaling.maxQueueDelayMs: must be 1..60000 ms, got 0",
        refusal(ranged + "{\"maxQueueDelayMs\": 0}}"));
    assertEquals("d.json: services[0].scaling.upAfter: unknown field (expected one of downAfterMs, maxQueueDelayMs, "
        + "targetInFlight, upAfterMs)", refusal(ranged + "{\"upAfter\": 1}}"));
    assertEquals("d.json: services[0].scaling: must be an object like {\"targetInFlight\": 2, \"upAfterMs\": 2000}, "
        + "got fast", refusal(ranged + "\"fast\"}"));
  }
}
