package io.conduit.cluster;

import io.netty.channel.IoHandlerFactory;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.transport.Transport;

/** Vert.x's NIO transport (the JDK's), whose event loops spin a while before they sleep ({@link SpinBeforeSleep}). */
public final class SpinningNio implements Transport {

  private final long spinMicros;
  private final NioTransport implementation = new NioTransport() {
    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return SpinBeforeSleep.wrap(super.ioHandlerFactory(), spinMicros);
    }
  };

  /** NIO whose loops spin up to {@code spinMicros} (0 to {@value SpinBeforeSleep#MAX_SPIN_MICROS}) before they sleep. */
  public SpinningNio(long spinMicros) {
    this.spinMicros = SpinBeforeSleep.checked(spinMicros);
  }

  @Override
  public String name() {
    return Transport.NIO.name();
  }

  @Override
  public boolean available() {
    return true;
  }

  @Override
  public Throwable unavailabilityCause() {
    return null;
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return implementation;
  }
}
