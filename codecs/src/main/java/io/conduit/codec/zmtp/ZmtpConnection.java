package io.conduit.codec.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One ZMTP 3.x connection as bytes in and bytes out, with no thread and no socket of its own: the
 * owner feeds it what arrives ({@link #received}) and writes what it hands to
 * {@link Listener#write}. It does the greeting and the mechanism's handshake, then turns frames
 * into whole messages and messages into frames.
 *
 * <p>Memory is spent only on bytes that arrived: a frame's buffer grows as its bytes come in, every
 * byte held for a partly received message is taken from the connection's limit and the node's
 * {@link ByteBudget}, and before the handshake is done a connection may hold no more than
 * {@link ZmtpLimits#handshakeBytes()}. A message over {@link ZmtpLimits#maxMessageBytes()} is read
 * to its end without being kept, so the owner can still answer it. Anything malformed, and any
 * limit broken, is a {@link ZmtpException}: the owner closes this connection, nothing else.
 */
public final class ZmtpConnection {

  /** What a read that is not in a heap array is copied through to be decoded, one per thread. */
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>();
  private static final int SCRATCH_BYTES = 16 * 1024;
  /** What a connection may hold beyond what the node's budget was charged, until its read ends. */
  private static final long UNCHARGED_BYTES = 64 * 1024;

  /** What the connection hands its owner. Every call comes from inside {@link #received} or a send. */
  public interface Listener {
    /** Bytes for the peer, in order. */
    void write(Buffer bytes);

    /** The handshake is done; messages may flow. */
    void ready(Peer peer);

    /**
     * A whole message. When {@code truncated}, it was over the message limit: {@code frames} holds
     * only the frames that arrived before the limit was reached; {@code size} counts every byte.
     * {@code frameCount} counts every frame, of which at most {@link ZmtpLimits#MAX_FRAMES_KEPT}
     * are kept.
     */
    void message(List<byte[]> frames, int frameCount, long size, boolean truncated);

    /** A ZMTP 3.1 SUBSCRIBE ({@code true}) or CANCEL command. */
    default void subscription(byte[] topic, boolean subscribe) {
    }
  }

  /**
   * The peer, as its handshake described it.
   *
   * @param type     its socket type (checked against this socket's)
   * @param identity the Identity it announced, or null
   * @param curveKey its long-term CURVE public key (a server learns its client's), or null
   * @param minor    the ZMTP minor version both sides speak (0 or 1)
   */
  public record Peer(SocketType type, byte[] identity, byte[] curveKey, int minor) {
  }

  private static final byte[] EMPTY = new byte[0];
  private static final int GREETING = 0;
  private static final int HEADER = 1;
  private static final int BODY = 2;
  private static final int CLOSED = 3;
  /** Growth step of a frame buffer whose bytes arrive in pieces. */
  private static final int MIN_CHUNK = 256;

  private final SocketType ownType;
  private final ZmtpLimits limits;
  private final ByteBudget budget;
  private final Listener listener;
  private final Mechanism mechanism;
  private final boolean asServer;

  private int state = GREETING;
  private final byte[] greeting = new byte[Greeting.SIZE];
  private int greetingLength;
  private int minor;
  private Peer peer;
  private List<Unsent> sendsBeforeReady;

  /** A message sent before the handshake finished: it goes out once the peer is ready. */
  private record Unsent(byte[][] message, boolean delimiter) {
  }

  private final byte[] header = new byte[9];
  private int headerLength;
  private int frameFlags;
  private long frameRemaining;
  private byte[] body;
  private int bodyLength;
  private boolean skipping;
  /** Bytes taken from the budget for the frame being received, and for the message's kept frames. */
  private long frameHeld;
  private long messageHeld;
  /**
   * What this connection has taken from the node's budget: what it held when it last settled, at
   * the end of a read, before opening a box, or before holding more than {@link #UNCHARGED_BYTES}
   * beyond it. A message that arrives whole in one read, the usual case, never touches the budget
   * (an atomic shared by every loop); a large one is charged before it is allocated, as before.
   */
  private long charged;

  private List<byte[]> frames = new ArrayList<>(8);
  private int frameCount;
  private long messageSize;
  private boolean truncated;

  /**
   * @param ownType     this socket's type (its peers are checked against it)
   * @param ownIdentity this socket's Identity metadata, or null
   * @param asServer    this side's as-server bit
   * @param security    NULL or CURVE (server or client)
   * @param limits      what the connection may cost
   * @param budget      the node-wide budget this connection draws from
   * @param listener    the owner
   */
  public ZmtpConnection(SocketType ownType, byte[] ownIdentity, boolean asServer, ZmtpSecurity security,
                        ZmtpLimits limits, ByteBudget budget, Listener listener) {
    this.ownType = ownType;
    this.asServer = asServer;
    this.limits = limits;
    this.budget = budget;
    this.listener = listener;
    Metadata own = Metadata.of(ownType, ownIdentity);
    if (security instanceof ZmtpSecurity.CurveServer s) {
      mechanism = new CurveServerMechanism(s, ownType, own);
    } else if (security instanceof ZmtpSecurity.CurveClient c) {
      mechanism = new CurveClientMechanism(c, ownType, own);
    } else {
      mechanism = new NullMechanism(ownType, own);
    }
  }

  /** Sends this side's greeting; call once, when the connection opens. */
  public void start() {
    listener.write(Buffer.buffer(Greeting.encode(mechanism.name(), asServer)));
  }

  /** The peer once the handshake is done, else null. */
  public Peer peer() {
    return peer;
  }

  /** Bytes this connection holds for partly received messages. */
  public long held() {
    return frameHeld + messageHeld;
  }

  /**
   * Feeds bytes that arrived, as a Buffer (sockets hand their reads to {@link #received(ByteBuf)}).
   * A failure means: close this connection (the reason says why).
   */
  public void received(Buffer data) throws ZmtpException {
    if (data instanceof BufferInternal b) {
      received(b.getByteBuf()); // a slice of all the Buffer's bytes, read where they lie
    } else {
      received(data.getBytes(), 0, data.length());
    }
  }

  /**
   * Feeds the readable bytes of {@code buf}, which arrived; the caller keeps it and releases it.
   * Bytes in a heap array are read where they lie; others (a socket's direct read buffers) are
   * copied a piece at a time through an array the thread keeps for this, not into a fresh array
   * per read: nothing here keeps a reference to what it was fed.
   */
  public void received(ByteBuf buf) throws ZmtpException {
    int from = buf.readerIndex();
    int to = buf.writerIndex();
    if (buf.hasArray()) {
      received(buf.array(), buf.arrayOffset() + from, buf.arrayOffset() + to);
      return;
    }
    byte[] scratch = SCRATCH.get();
    SCRATCH.set(null); // a read fed from inside this one (a resumed connection's) gets its own
    if (scratch == null) {
      scratch = new byte[SCRATCH_BYTES];
    }
    try {
      while (from < to && state != CLOSED) {
        int n = Math.min(scratch.length, to - from);
        buf.getBytes(from, scratch, 0, n);
        received(scratch, 0, n);
        from += n;
      }
    } finally {
      SCRATCH.set(scratch);
    }
  }

  /** Feeds {@code bytes[from, to)}, which arrived. */
  public void received(byte[] bytes, int from, int to) throws ZmtpException {
    try {
      int pos = from;
      while (pos < to && state != CLOSED) {
        switch (state) {
          case GREETING -> pos = readGreeting(bytes, pos, to);
          case HEADER -> pos = readHeader(bytes, pos, to);
          default -> pos = readBody(bytes, pos, to);
        }
      }
      settle();
    } catch (ZmtpException e) {
      close();
      throw e;
    }
  }

  /** Sends a message; {@code delimiter} puts an empty frame first (what a REQ peer expects). */
  public void send(byte[][] message, boolean delimiter) {
    if (state == CLOSED) {
      return;
    }
    if (peer == null) {
      if (sendsBeforeReady == null) {
        sendsBeforeReady = new ArrayList<>();
      }
      sendsBeforeReady.add(new Unsent(message, delimiter));
      return;
    }
    int size = delimiter ? 2 : 0;
    for (byte[] f : message) {
      size += f.length + Frames.headerSize(f.length) + (mechanism.encrypts() ? 48 : 0);
    }
    Buffer out = Buffer.buffer(size);
    int last = message.length - 1;
    if (delimiter) {
      mechanism.encode(out, last >= 0 ? Frames.MORE : 0, EMPTY, 0, 0);
    }
    for (int i = 0; i <= last; i++) {
      mechanism.encode(out, i < last ? Frames.MORE : 0, message[i], 0, message[i].length);
    }
    listener.write(out);
  }

  /** Sends a PING (ZMTP 3.1 peers only): a peer alive answers PONG, which counts as traffic. */
  public void ping(int ttlDeciseconds) {
    if (peer != null && peer.minor() >= 1 && state != CLOSED) {
      Buffer out = Buffer.buffer(16);
      byte[] b = Command.body("PING", new byte[] {(byte) (ttlDeciseconds >> 8), (byte) ttlDeciseconds});
      mechanism.encode(out, Frames.COMMAND, b, 0, b.length);
      listener.write(out);
    }
  }

  /** Releases what the connection holds; call when the socket closes. Later input is ignored. */
  public void close() {
    state = CLOSED;
    budget.release(charged);
    charged = 0;
    frameHeld = 0;
    messageHeld = 0;
    body = null;
    frames = new ArrayList<>(0);
  }

  private int readGreeting(byte[] data, int pos, int length) throws ZmtpException {
    int n = Math.min(Greeting.SIZE - greetingLength, length - pos);
    System.arraycopy(data, pos, greeting, greetingLength, n);
    greetingLength += n;
    Greeting.checkStart(greeting, Math.min(greetingLength, Greeting.SIGNATURE_SIZE + 1));
    if (greetingLength == Greeting.SIZE) {
      Greeting g = Greeting.parse(greeting);
      if (!g.mechanism().equals(mechanism.name())) {
        throw new ZmtpException(ZmtpException.Reason.MECHANISM, "the peer asks for " + g.mechanism()
            + " security; this socket speaks " + mechanism.name()
            + (g.mechanism().equals("PLAIN") ? " (PLAIN sends passwords in clear and is not supported)" : ""));
      }
      minor = g.agreedMinor();
      state = HEADER;
      Buffer out = Buffer.buffer(256);
      mechanism.start(out);
      if (out.length() > 0) {
        listener.write(out);
      }
    }
    return pos + n;
  }

  private int readHeader(byte[] data, int pos, int length) throws ZmtpException {
    while (pos < length) {
      header[headerLength++] = data[pos++];
      if (headerLength == 1) {
        frameFlags = header[0] & 0xFF;
        if ((frameFlags & ~(Frames.MORE | Frames.LONG | Frames.COMMAND)) != 0) {
          throw new ZmtpException(ZmtpException.Reason.MALFORMED, "a frame with reserved flag bits set ("
              + Integer.toHexString(frameFlags) + ")");
        }
        if ((frameFlags & Frames.COMMAND) != 0 && (frameFlags & Frames.MORE) != 0) {
          throw new ZmtpException(ZmtpException.Reason.MALFORMED, "a command frame with the MORE flag");
        }
      }
      int need = (frameFlags & Frames.LONG) != 0 ? 9 : 2;
      if (headerLength == need) {
        long size = 0;
        for (int i = 1; i < need; i++) {
          size = (size << 8) | (header[i] & 0xFF);
        }
        headerLength = 0;
        beginFrame(size, length - pos);
        if (frameRemaining == 0) {
          endFrame();
        }
        return pos;
      }
    }
    return pos;
  }

  private void beginFrame(long size, int available) throws ZmtpException {
    if (size < 0) {
      throw new ZmtpException(ZmtpException.Reason.MALFORMED, "a frame declares a negative size");
    }
    boolean command = (frameFlags & Frames.COMMAND) != 0;
    if (peer == null) {
      if (!command) {
        throw new ZmtpException(ZmtpException.Reason.MALFORMED, "a message frame before the handshake finished");
      }
      if (size > limits.handshakeBytes()) {
        throw new ZmtpException(ZmtpException.Reason.FRAME_TOO_LARGE, "a handshake command of " + size
            + " bytes (at most " + limits.handshakeBytes() + " before the handshake is done)");
      }
    } else if (size > limits.maxFrameBytes()) {
      throw new ZmtpException(ZmtpException.Reason.FRAME_TOO_LARGE, "a frame of " + size + " bytes, over the "
          + "transport limit of " + limits.maxFrameBytes());
    } else if (mechanism.encrypts() && size > maxBoxFrame()) {
      // A box is opened whole, so it is kept whole: one larger than any message allowed closes the
      // connection here, as libzmq's maxmsgsize does, instead of being read to be thrown away.
      throw new ZmtpException(ZmtpException.Reason.FRAME_TOO_LARGE, "an encrypted frame of " + size + " bytes, "
          + "more than the largest message allowed (" + limits.maxMessageBytes() + " bytes) needs");
    } else if (command && !mechanism.encrypts() && size > ZmtpLimits.MAX_COMMAND_BYTES) {
      throw new ZmtpException(ZmtpException.Reason.FRAME_TOO_LARGE, "a command of " + size + " bytes");
    }
    frameRemaining = size;
    bodyLength = 0;
    skipping = false;
    if (peer != null && !command && !mechanism.encrypts()) {
      messageSize += size;
      if (truncated || messageSize > limits.maxMessageBytes()) {
        truncated = true;
        skipping = true;
      }
    }
    if (skipping || size == 0) {
      body = EMPTY;
    } else {
      int first = (int) Math.min(size, Math.max(available, MIN_CHUNK));
      take(first);
      body = new byte[first];
    }
    state = BODY;
  }

  private int readBody(byte[] data, int pos, int length) throws ZmtpException {
    int n = (int) Math.min(frameRemaining, length - pos);
    if (!skipping) {
      if (bodyLength + n > body.length) {
        long wanted = Math.min(bodyLength + frameRemaining, Math.max((long) body.length * 2, bodyLength + n));
        take(wanted - body.length);
        body = Arrays.copyOf(body, (int) wanted);
      }
      System.arraycopy(data, pos, body, bodyLength, n);
      bodyLength += n;
    }
    frameRemaining -= n;
    if (frameRemaining == 0) {
      endFrame();
    }
    return pos + n;
  }

  /**
   * Takes bytes for the frame being received from the connection's limit; from the node's budget
   * at once when that leaves more than {@link #UNCHARGED_BYTES} uncharged, else at the read's end.
   */
  private void take(long bytes) throws ZmtpException {
    // a message's kept frames plus the (CURVE) frame being received; saturated, limits may be huge
    long limit = peer == null ? limits.handshakeBytes()
        : limits.maxFrameBytes() > Long.MAX_VALUE - limits.maxMessageBytes() ? Long.MAX_VALUE
        : limits.maxMessageBytes() + limits.maxFrameBytes();
    if (frameHeld + messageHeld + bytes > limit) {
      throw new ZmtpException(ZmtpException.Reason.BUDGET, "the connection would hold " + (frameHeld + messageHeld
          + bytes) + " bytes of partly received messages, over its limit of " + limit);
    }
    frameHeld += bytes;
    if (frameHeld + messageHeld - charged > UNCHARGED_BYTES) {
      settle(); // before the caller allocates them
    }
  }

  /** Takes from the node's budget what this connection holds beyond what it took, or gives back what it no longer holds. */
  private void settle() throws ZmtpException {
    long held = frameHeld + messageHeld;
    if (held > charged) {
      if (!budget.tryAcquire(held - charged)) {
        throw new ZmtpException(ZmtpException.Reason.BUDGET, "the node holds " + budget.used() + " bytes of partly "
            + "received messages, the most allowed (" + budget.limit() + ")");
      }
    } else if (held < charged) {
      budget.release(charged - held);
    }
    charged = held;
  }

  private void endFrame() throws ZmtpException {
    state = HEADER;
    byte[] wire = skipping ? null : body.length == bodyLength ? body : Arrays.copyOf(body, bodyLength);
    body = null;
    if (peer == null) {
      handshake(wire);
      return;
    }
    int flags = frameFlags;
    byte[] frame = wire;
    if (mechanism.encrypts()) {
      Mechanism.Frame f = openBox(wire);
      flags = f.flags();
      frame = f.body();
      if ((flags & Frames.COMMAND) != 0 && (flags & Frames.MORE) != 0) {
        throw new ZmtpException(ZmtpException.Reason.MALFORMED, "a command frame with the MORE flag");
      }
      if ((flags & Frames.COMMAND) != 0 && frame.length > ZmtpLimits.MAX_COMMAND_BYTES) {
        throw new ZmtpException(ZmtpException.Reason.FRAME_TOO_LARGE, "a command of " + frame.length + " bytes");
      }
      if ((flags & Frames.COMMAND) == 0) {
        messageSize += frame.length;
        if (truncated || messageSize > limits.maxMessageBytes()) {
          truncated = true;
          frame = null;
        }
      }
    }
    if ((flags & Frames.COMMAND) != 0) {
      releaseFrame();
      command(frame);
      return;
    }
    if (frameCount < Integer.MAX_VALUE) {
      frameCount++; // saturates: a peer sending empty frames for ever must not wrap it below the kept limit
    }
    if (frame == null || frameCount > ZmtpLimits.MAX_FRAMES_KEPT) {
      releaseFrame();
    } else {
      messageHeld += frameHeld;
      frameHeld = 0;
      frames.add(frame);
    }
    if ((flags & Frames.MORE) == 0) {
      List<byte[]> message = frames;
      long size = messageSize;
      boolean cut = truncated;
      int count = frameCount;
      frames = new ArrayList<>(8);
      frameCount = 0;
      messageSize = 0;
      truncated = false;
      messageHeld = 0;
      listener.message(message, count, size, cut);
    }
  }

  private void releaseFrame() {
    frameHeld = 0;
  }

  /** The largest encrypted frame worth opening: a box around the largest message, or a command. */
  private long maxBoxFrame() {
    return Math.max(limits.maxMessageBytes(), ZmtpLimits.MAX_COMMAND_BYTES) + Mechanism.BOX_OVERHEAD;
  }

  /**
   * Opens a received box. Opening needs two more copies of the frame for a moment (NaCl's padded
   * ciphertext and plaintext), which the node's budget is charged for while they live, so that
   * large boxes opened at once on every event loop stay inside it.
   */
  private Mechanism.Frame openBox(byte[] wire) throws ZmtpException {
    long transient_ = 2L * wire.length;
    settle(); // the box itself first
    if (!budget.tryAcquire(transient_)) {
      throw new ZmtpException(ZmtpException.Reason.BUDGET, "the node holds " + budget.used() + " bytes of partly "
          + "received messages, too many to open a box of " + wire.length + " more (at most " + budget.limit() + ")");
    }
    try {
      return mechanism.decode(frameFlags, wire);
    } finally {
      budget.release(transient_);
    }
  }

  private void handshake(byte[] wire) throws ZmtpException {
    Command command = Command.parse(wire);
    releaseFrame();
    Buffer out = Buffer.buffer(256);
    boolean done;
    try {
      done = mechanism.handshake(command, out);
    } finally {
      // an ERROR the mechanism wrote before refusing still goes out: the peer learns why
      if (out.length() > 0) {
        listener.write(out);
      }
    }
    if (done) {
      Metadata m = mechanism.peerMetadata();
      byte[] identity = m.get(Metadata.IDENTITY);
      if (identity != null && identity.length > Metadata.MAX_IDENTITY_BYTES) {
        throw new ZmtpException(ZmtpException.Reason.MALFORMED, "an Identity of " + identity.length
            + " bytes (at most " + Metadata.MAX_IDENTITY_BYTES + ")");
      }
      peer = new Peer(m.socketType(ownType), identity, mechanism.peerKey(), minor);
      // What the owner sent before the handshake goes out first, ahead of anything sent from ready().
      List<Unsent> queued = sendsBeforeReady;
      sendsBeforeReady = null;
      if (queued != null) {
        for (Unsent q : queued) {
          send(q.message(), q.delimiter());
        }
      }
      listener.ready(peer);
    }
  }

  private void command(byte[] body) throws ZmtpException {
    Command c = Command.parse(body);
    switch (c.name()) {
      case "PING" -> {
        if (c.dataLength() < 2 || c.dataLength() > 18) {
          throw new ZmtpException(ZmtpException.Reason.MALFORMED, "a PING of " + c.dataLength() + " data bytes");
        }
        byte[] context = Arrays.copyOfRange(c.body(), c.dataOffset() + 2, c.body().length);
        byte[] pong = Command.body("PONG", context);
        Buffer out = Buffer.buffer(pong.length + 40);
        mechanism.encode(out, Frames.COMMAND, pong, 0, pong.length);
        listener.write(out);
      }
      case "PONG" -> {
        // any input counts as life; the owner notes it
      }
      case "SUBSCRIBE", "CANCEL" -> listener.subscription(
          Arrays.copyOfRange(c.body(), c.dataOffset(), c.body().length), c.name().equals("SUBSCRIBE"));
      case "ERROR" -> throw Handshakes.peerError(c);
      default -> {
        // RFC 37: a command this side does not know is ignored
      }
    }
  }
}
