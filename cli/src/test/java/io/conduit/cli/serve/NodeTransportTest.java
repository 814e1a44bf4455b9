package io.conduit.cli.serve;

import io.conduit.cluster.SpinBeforeSleep;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --loop-spin} reaches the event loops of either transport, and 0 leaves them as Vert.x has them. */
class NodeTransportTest {

  private static boolean spins(Transport t) {
    return t.implementation().ioHandlerFactory() instanceof SpinBeforeSleep;
  }

  @Test
  void nioLoopsSpinUnlessTheSpinIsZero() {
    assertTrue(spins(NodeTransport.NIO.checked(100, "tcp://127.0.0.1:1")));
    assertFalse(spins(NodeTransport.NIO.checked(0, "tcp://127.0.0.1:1")));
  }

  @Test
  void ioUringLoopsSpinUnlessTheSpinIsZero() {
    assertTrue(Transport.IO_URING.available(), () -> "io_uring is not available on this machine: "
        + Transport.IO_URING.unavailabilityCause());
    assertTrue(spins(NodeTransport.IO_URING.checked(100, "tcp://127.0.0.1:1")));
    assertFalse(spins(NodeTransport.IO_URING.checked(0, "tcp://127.0.0.1:1")));
  }
}
