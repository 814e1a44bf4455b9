package io.conduit.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The bridge of the interoperability matrix: plain (NULL) or under CURVE with a client allow-list.
 * Each implementation's clients use keys made by its own key generator, as {@code conduit keygen}
 * users would: JeroMQ's {@code ZMQ.Curve.generateKeyPair()} and pyzmq's {@code zmq.curve_keypair()}
 * (libzmq); the server's pair comes from JeroMQ. Strangers are well-formed keys left off the list.
 */
final class InteropBridge {

  /** How clients connect: the rows of the matrix. */
  enum Security { NULL, CURVE }

  static final int HEARTBEAT_MS = 250;
  static final ZMQ.Curve.KeyPair SERVER = ZMQ.Curve.generateKeyPair();
  static final ZMQ.Curve.KeyPair JEROMQ_CLIENT = ZMQ.Curve.generateKeyPair();
  static final ZMQ.Curve.KeyPair JEROMQ_STRANGER = ZMQ.Curve.generateKeyPair();
  /** {public, secret} pairs from pyzmq: the admitted client's and a stranger's. */
  private static String[][] pyzmqKeys;

  final BridgeFixture fixture = new BridgeFixture();
  final Security security;

  private InteropBridge(Security security) {
    this.security = security;
  }

  /** Deploys the fixture's consumers and a bridge with this security on free loopback ports. */
  static InteropBridge deploy(Vertx vertx, Security security) throws Exception {
    InteropBridge bridge = new InteropBridge(security);
    JsonObject config = new JsonObject()
        .put("maxInFlightPerClient", 10_000) // the DEALER case sends 10,000 requests before reading a reply
        .put("heartbeatIntervalMs", HEARTBEAT_MS);
    if (security == Security.CURVE) {
      config.put("curve", new JsonObject().put("publicKey", SERVER.publicKey).put("secretKey", SERVER.secretKey)
          .put("clientKeys", new JsonArray().add(JEROMQ_CLIENT.publicKey).add(pyzmqClient()[0])));
    }
    bridge.fixture.deployAndWait(vertx, config);
    return bridge;
  }

  String endpoint() {
    return fixture.endpoint;
  }

  String events() {
    return fixture.eventsEndpoint;
  }

  BridgeStats stats() {
    return fixture.bridge.stats();
  }

  /** JeroMQ socket options for an admitted client (null: none, under NULL). */
  Consumer<ZMQ.Socket> jeromq() {
    return security == Security.CURVE ? curve(JEROMQ_CLIENT) : null;
  }

  /** JeroMQ socket options for a CURVE client whose key is not on the list. */
  static Consumer<ZMQ.Socket> jeromqStranger() {
    return curve(JEROMQ_STRANGER);
  }

  static Consumer<ZMQ.Socket> curve(ZMQ.Curve.KeyPair client) {
    return s -> {
      s.setCurveServerKey(ZMQ.Curve.z85Decode(SERVER.publicKey));
      s.setCurvePublicKey(ZMQ.Curve.z85Decode(client.publicKey));
      s.setCurveSecretKey(ZMQ.Curve.z85Decode(client.secretKey));
    };
  }

  /** zmq_interop.py's arguments: CASE ENDPOINT EVENTS [--curve ...] then {@code more}. */
  List<String> pyzmq(String testCase, String... more) throws Exception {
    return pyzmq(testCase, security == Security.CURVE ? pyzmqClient() : null, more);
  }

  List<String> pyzmq(String testCase, String[] clientKeys, String... more) {
    List<String> args = new ArrayList<>(List.of(testCase, endpoint(), events()));
    if (clientKeys != null) {
      args.add("--curve=" + SERVER.publicKey + "," + clientKeys[0] + "," + clientKeys[1]);
    }
    args.addAll(List.of(more));
    return args;
  }

  static String[] pyzmqClient() throws Exception {
    return pyzmqKeys()[0];
  }

  static String[] pyzmqStranger() throws Exception {
    return pyzmqKeys()[1];
  }

  private static synchronized String[][] pyzmqKeys() throws Exception {
    if (pyzmqKeys == null) {
      try (PythonPeer keygen = PythonPeer.code(
          "import zmq\nfor _ in range(2): print(*(k.decode('ascii') for k in zmq.curve_keypair()))")) {
        String[] lines = keygen.awaitSuccess(20).split("\n");
        pyzmqKeys = new String[][] {lines[0].trim().split(" "), lines[1].trim().split(" ")};
      }
    }
    return pyzmqKeys;
  }

  /** Waits (at most 10 s) until {@code condition} holds. */
  static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what.get());
      }
      LockSupport.parkNanos(5_000_000L);
    }
  }
}
