package io.conduit.bridge;

import io.conduit.codec.ErrorCode;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a request to an address nobody consumes is told, by where the address stands in the deployment. */
class FailureTest {

  private static final AccessPolicy DEPLOYMENT = BridgeOptions.fromJson(new JsonObject()
      .put("reservedAddresses", new JsonArray().add("docs").add(new JsonObject().put("regex", "docs\\..+")))).access();

  private static Failure nobodyConsumes(String address, boolean clustered) {
    return Failure.of(new ReplyException(ReplyFailure.NO_HANDLERS, "none"), address, 1000, DEPLOYMENT, clustered);
  }

  @Test
  void aServiceOfTheDeploymentWithoutConsumerIsARetryEverywhere() {
    for (boolean clustered : new boolean[] {false, true}) {
      Failure f = nobodyConsumes("docs", clustered);
      assertEquals(ErrorCode.UNAVAILABLE, f.code());
      assertEquals(Failure.RETRY_AFTER_MS, f.extra().getLong("retryAfterMs"));
    }
  }

  @Test
  void replicaReadsAreARetryInAClusterAndNoHandlersOnAStandaloneNode() {
    Failure cluster = nobodyConsumes("docs.ro", true);
    assertEquals(ErrorCode.UNAVAILABLE, cluster.code());
    assertEquals(Failure.RETRY_AFTER_MS, cluster.extra().getLong("retryAfterMs"));
    assertTrue(cluster.message().contains("its standbys, which run on the other nodes of the cluster and are not serving "
        + "yet"), cluster.message());

    Failure standalone = nobodyConsumes("docs.ro", false);
    assertEquals(ErrorCode.NO_HANDLERS, standalone.code());
    assertNull(standalone.extra().getValue("retryAfterMs"));
  }

  @Test
  void anyOtherAddressBelowAServiceIsNoHandlersWhenNobodyConsumesIt() {
    for (boolean clustered : new boolean[] {false, true}) {
      Failure f = nobodyConsumes("docs.changes", clustered);
      assertEquals(ErrorCode.NO_HANDLERS, f.code());
      assertNull(f.extra().getValue("retryAfterMs"));
    }
  }

  @Test
  void anAddressOutsideTheDeploymentIsNoHandlers() {
    assertEquals(ErrorCode.NO_HANDLERS, nobodyConsumes("elsewhere", true).code());
  }
}
