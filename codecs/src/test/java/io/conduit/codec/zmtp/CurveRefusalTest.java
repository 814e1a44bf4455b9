package io.conduit.codec.zmtp;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CURVE server that refuses a client's key tells the client so before it closes: an ERROR whose
 * reason is the ZAP status "400", which libzmq and JeroMQ clients report as an authentication
 * failure ({@code ZMQ_EVENT_HANDSHAKE_FAILED_AUTH} with 400), not as a lost connection.
 */
class CurveRefusalTest {

  private static final ZmtpLimits LIMITS = ZmtpLimits.forMessages(1 << 20);

  /** One side of an in-memory connection: what it wrote, and what went wrong when fed. */
  private static final class Side implements ZmtpConnection.Listener {
    final List<Buffer> written = new ArrayList<>();
    ZmtpConnection connection;
    ZmtpException failure;
    boolean ready;

    @Override
    public void write(Buffer bytes) {
      written.add(bytes);
    }

    @Override
    public void ready(ZmtpConnection.Peer peer) {
      ready = true;
    }

    @Override
    public void message(List<byte[]> frames, int frameCount, long size, boolean truncated) {
    }

    /** Feeds this side everything {@code from} has written so far; true if anything moved. */
    boolean feedFrom(Side from) {
      if (from.written.isEmpty() || failure != null) {
        return false;
      }
      List<Buffer> pending = new ArrayList<>(from.written);
      from.written.clear();
      for (Buffer b : pending) {
        try {
          connection.received(b);
        } catch (ZmtpException e) {
          failure = e;
          return true;
        }
      }
      return true;
    }
  }

  /** Both ends of a CURVE handshake whose server admits no key, run until neither has more to say. */
  private static Side[] refusedHandshake(byte[] clientPublic) {
    byte[][] server = CurveBox.keyPair();
    byte[][] client = CurveBox.keyPair();
    ByteBudget budget = new ByteBudget(1 << 24);
    Side serverSide = new Side();
    Side clientSide = new Side();
    serverSide.connection = new ZmtpConnection(SocketType.ROUTER, null, true,
        new ZmtpSecurity.CurveServer(server[0], server[1], key -> false), LIMITS, budget, serverSide);
    clientSide.connection = new ZmtpConnection(SocketType.DEALER, null, false,
        new ZmtpSecurity.CurveClient(server[0], client[0], client[1]), LIMITS, budget, clientSide);
    System.arraycopy(client[0], 0, clientPublic, 0, 32);
    serverSide.connection.start();
    clientSide.connection.start();
    for (int round = 0; round < 10; round++) {
      boolean moved = serverSide.feedFrom(clientSide);
      moved |= clientSide.feedFrom(serverSide);
      if (!moved) {
        break;
      }
    }
    return new Side[] {serverSide, clientSide};
  }

  @Test
  void aRefusedClientGetsAnErrorCommandBeforeTheServerCloses() {
    byte[] clientKey = new byte[32];
    Side[] sides = refusedHandshake(clientKey);

    ZmtpException refusal = sides[0].failure;
    assertNotNull(refusal, "the server refused the key");
    assertEquals(ZmtpException.Reason.KEY_REFUSED, refusal.reason());
    assertTrue(refusal.getMessage().contains(Z85.encode(clientKey)), refusal.getMessage());
    assertNotNull(sides[1].failure, "the client was told: it got an ERROR command before the close");
    assertEquals(ZmtpException.Reason.PEER_ERROR, sides[1].failure.reason());
    assertFalse(sides[0].ready || sides[1].ready);
  }

  @Test
  void theErrorCarriesTheZapStatus400ThatLibzmqAndJeromqClientsReportAsAnAuthFailure() {
    Side[] sides = refusedHandshake(new byte[32]);

    assertNotNull(sides[1].failure, "the client got an ERROR");
    assertEquals("the peer sent ERROR: 400", sides[1].failure.getMessage());
  }
}
