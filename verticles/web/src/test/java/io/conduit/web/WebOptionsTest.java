package io.conduit.web;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's connection timeouts in its config: defaults, and bad values refused with the field named. */
@ExtendWith(VertxExtension.class)
class WebOptionsTest {

  @Test
  void timeoutsDefaultToThirtyAndTenSeconds() {
    WebOptions options = WebOptions.fromJson(new JsonObject());
    assertEquals(30_000, options.idleTimeoutMs());
    assertEquals(10_000, options.headerTimeoutMs());
  }

  @Test
  void configuredTimeoutsAreKept() {
    WebOptions options = WebOptions.fromJson(new JsonObject().put("idleTimeoutMs", 60_000).put("headerTimeoutMs", 5_000L));
    assertEquals(60_000, options.idleTimeoutMs());
    assertEquals(5_000, options.headerTimeoutMs());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"idleTimeoutMs", "headerTimeoutMs"})
  void badTimeoutValuesAreRefusedNamingTheField(String field) {
    for (Object bad : new Object[] {-1, 0, -5_000L, 3_600_001L, 1.5, "30000", "soon", true, new JsonObject()}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> WebOptions.fromJson(new JsonObject().put(field, bad)), field + " = " + bad);
      assertTrue(e.getMessage().contains(field) && e.getMessage().contains("whole number of milliseconds"),
          e.getMessage());
    }
  }

  @Test
  void callTimeoutAtOrAboveTheIdleTimeoutIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WebOptions.fromJson(new JsonObject().put("idleTimeoutMs", 5_000).put("callTimeoutMs", 5_000)));
    assertTrue(e.getMessage().contains("callTimeoutMs") && e.getMessage().contains("idleTimeoutMs"), e.getMessage());
  }

  @Test
  void badTimeoutStopsTheDeployment(Vertx vertx) {
    WebFixture web = new WebFixture(vertx);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> web.deployAndWait(new JsonObject().put("headerTimeoutMs", -1)));
    assertTrue(e.getCause().getMessage().contains("headerTimeoutMs"), e.getCause().getMessage());
  }
}
