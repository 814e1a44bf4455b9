package io.conduit.cli.serve;

import io.conduit.cli.CliFailure;
import io.conduit.cluster.IoUringReceiveRing;
import io.conduit.cluster.SpinningNio;
import io.vertx.core.transport.Transport;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * The network transport under a node's event loops ({@code --transport}). NIO, the JDK's, is the
 * default and runs everywhere. io_uring is Linux's, through Netty's native transport: with many
 * connections or pipelined requests it answers more with the same CPU, because one system call
 * carries many reads and writes (docs/benchmarks.md); one request at a time it is no faster.
 * Vert.x 5.0's io_uring transport has no Unix domain sockets, so {@code ipc://} endpoints need NIO.
 * On either, the event loops spin a while before they sleep ({@code --loop-spin}, SpinBeforeSleep).
 */
enum NodeTransport {
  NIO("nio", SpinningNio::new),
  IO_URING("io_uring", IoUringReceiveRing::spinning);

  private final String flag;
  private final LongFunction<Transport> withSpin;

  NodeTransport(String flag, LongFunction<Transport> withSpin) {
    this.flag = flag;
    this.withSpin = withSpin;
  }

  /** The transport a {@code --transport} value names; a CLI failure listing the choices otherwise. */
  static NodeTransport parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (NodeTransport t : values()) {
      if (t.flag.equals(v)) {
        return t;
      }
    }
    throw new CliFailure("--transport must be one of " + choices() + ", got '" + value + "'");
  }

  static String choices() {
    return Arrays.stream(values()).map(t -> t.flag).collect(Collectors.joining(", "));
  }

  String flag() {
    return flag;
  }

  /**
   * Vert.x's transport, its loops spinning up to {@code spinMicros} (already checked: 0 to
   * SpinBeforeSleep.MAX_SPIN_MICROS) before they sleep, once this machine is known to run it, and
   * no {@code ipc://} endpoint is asked of a transport without domain sockets; a CLI failure that
   * says why otherwise.
   */
  Transport checked(long spinMicros, String... endpoints) {
    Transport vertx = withSpin.apply(spinMicros);
    if (!vertx.available()) {
      Throwable cause = vertx.unavailabilityCause();
      throw new CliFailure("--transport " + flag + " is not available on this machine ("
          + (cause == null ? "no reason given" : cause.getMessage()) + "); use --transport nio");
    }
    if (this != NIO) {
      for (String e : endpoints) {
        if (e != null && e.startsWith("ipc://")) {
          throw new CliFailure(e + ": ipc:// endpoints need --transport nio (Vert.x's " + flag
              + " transport has no Unix domain sockets)");
        }
      }
    }
    return vertx;
  }
}
