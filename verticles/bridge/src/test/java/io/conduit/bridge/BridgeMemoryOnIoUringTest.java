package io.conduit.bridge;

import io.conduit.cluster.IoUringReceiveRing;
import io.vertx.core.Vertx;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same attacks with the node on io_uring ({@code conduit serve --transport io_uring}), whose
 * connections receive into a ring of buffers the kernel picks from, with one receive request per
 * connection that goes on receiving: a connection the bridge stops reading must still stop being
 * received, and the ring must cost only the bytes that arrived. Its loops spin before they sleep,
 * as {@code conduit serve} runs them.
 */
class BridgeMemoryOnIoUringTest extends BridgeMemoryTest {

  @Override
  Vertx newVertx() {
    assertTrue(IoUringReceiveRing.INSTANCE.available(), () -> "io_uring is not available on this machine: "
        + IoUringReceiveRing.INSTANCE.unavailabilityCause());
    Vertx vertx = Vertx.builder().withTransport(IoUringReceiveRing.spinning(100)).build();
    assertTrue(vertx.isNativeTransportEnabled(), "not on io_uring");
    return vertx;
  }
}
