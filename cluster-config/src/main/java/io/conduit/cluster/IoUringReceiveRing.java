package io.conduit.cluster;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringFixedBufferRingAllocator;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.vertx.core.impl.transports.IoUringTransport;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;

/**
 * Vert.x's io_uring transport with the connections a node accepts reading into one ring of
 * buffers per event loop that the kernel picks from ("provided buffers"), which lets one request
 * to the kernel read a connection again and again (multishot receive) instead of one per read.
 * Measured on a memory store's {@code get} from 16 clients: about half the submissions per request
 * and no poll re-arming, 4 % more requests per second for 4 % less CPU (bench/results/HISTORY.md).
 *
 * <p>The ring is the only receive memory a loop's connections share: a buffer holds bytes that
 * arrived and goes back as soon as the bridge has copied them into its own, so idle connections
 * hold none. A connection the bridge stops reading (its replies are not being read) stops being
 * received, as without the ring (Netty cancels its receive when reading is turned off).
 * Outgoing connections (HTTP and event-bus clients) read as Vert.x has them; every server a node
 * runs (the bridge, the clustered event bus, the web console) receives into the ring. Each event
 * loop, the acceptor's too, has its own ring: a quarter filled at start, at most {@link #BUFFERS}
 * × {@link #BUFFER_BYTES}. A kernel older than 5.19 has no such rings: io_uring then runs as
 * Vert.x has it.
 */
public final class IoUringReceiveRing implements Transport {

  /** The ring's buffer group on each event loop. */
  private static final short GROUP = 1;
  /** Buffers in each loop's ring (a power of two) and the size of each: 4 MiB a loop at most. */
  static final short BUFFERS = 256;
  static final int BUFFER_BYTES = 16 * 1024;

  /** io_uring with the receive ring, whose loops sleep as soon as they run out of work. */
  public static final IoUringReceiveRing INSTANCE = new IoUringReceiveRing(0);

  /** Spin before sleep ({@link SpinBeforeSleep}), in microseconds; 0: none. */
  private final long spinMicros;

  private final IoUringTransport implementation = new IoUringTransport() {
    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return SpinBeforeSleep.wrap(withRing(), spinMicros);
    }

    private IoHandlerFactory withRing() {
      if (!IoUring.isRegisterBufferRingSupported()) {
        return super.ioHandlerFactory(); // a kernel before 5.19: io_uring as Vert.x has it
      }
      // pooled: Vert.x copies what such buffers hold into its own, so each goes back to the ring at once
      return IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setBufferRingConfig(
          new IoUringBufferRingConfig.Builder().bufferGroupId(GROUP).bufferRingSize(BUFFERS).batchSize(BUFFERS / 4)
              .allocator(new IoUringFixedBufferRingAllocator(PooledByteBufAllocator.DEFAULT, BUFFER_BYTES)).build()));
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
      super.configure(options, domainSocket, bootstrap);
      if (IoUring.isRegisterBufferRingSupported()) {
        bootstrap.childOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, GROUP);
      }
    }
  };

  private IoUringReceiveRing(long spinMicros) {
    this.spinMicros = spinMicros;
  }

  /**
   * io_uring with the receive ring, whose loops spin up to {@code spinMicros} before they sleep
   * ({@link SpinBeforeSleep}; 0 to {@value SpinBeforeSleep#MAX_SPIN_MICROS}).
   */
  public static IoUringReceiveRing spinning(long spinMicros) {
    return SpinBeforeSleep.checked(spinMicros) == 0 ? INSTANCE : new IoUringReceiveRing(spinMicros);
  }

  @Override
  public String name() {
    return Transport.IO_URING.name();
  }

  @Override
  public boolean available() {
    return Transport.IO_URING.available();
  }

  @Override
  public Throwable unavailabilityCause() {
    return Transport.IO_URING.unavailabilityCause();
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return implementation;
  }
}
