package io.conduit.bridge;

import io.conduit.codec.mdp.Mdp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The workers' bookkeeping alone, with the transport's part played by the test. */
class MajordomoWorkersTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private record Sent(String to, byte command) {
  }

  @Test
  void aWorkerWhoseConnectionClosesWhileItIsToldToGoIsLostOnceAndTheOthersServeOn() {
    List<Sent> sent = new ArrayList<>();
    List<WorkerEvent> events = new ArrayList<>();
    MajordomoWorkers[] workers = new MajordomoWorkers[1];
    // As the transport does when a DISCONNECT takes a connection's unsent output over its limit:
    // the connection closes, and its worker is gone, before the send returns.
    MajordomoWorkers.Sender sender = (identity, delimited, frames) -> {
      sent.add(new Sent(new String(identity, StandardCharsets.US_ASCII), frames[1][0]));
      if (frames[1][0] == Mdp.DISCONNECT) {
        workers[0].gone(identity);
      }
    };
    workers[0] = new MajordomoWorkers(BridgeOptions.fromJson(new JsonObject()), sender, events::addAll,
        new BridgeStats());
    long now = System.nanoTime();
    for (String w : List.of("A", "B")) {
      workers[0].received(ascii(w), true, List.of(Mdp.WORKER, new byte[] {Mdp.READY}, ascii("s")), 10, now, null);
    }
    workers[0].received(ascii("A"), true, List.of(Mdp.WORKER, new byte[] {0x09}), 10, now, null);
    workers[0].flush();
    assertEquals(List.of(new WorkerEvent.ServiceChange("s", true)), events, "'s' is still served, by B");

    workers[0].submit(new WorkerJob(7, "s", ascii("job")));
    workers[0].flush();
    Sent last = sent.get(sent.size() - 1);
    assertEquals(new Sent("B", Mdp.REQUEST), last, "B takes the next request");
    assertEquals(1, sent.stream().filter(s -> s.equals(new Sent("A", Mdp.DISCONNECT))).count());
  }

  @Test
  void theRequestsHeldForWorkersAreBoundedInBytesAndGiveTheirBytesBackWhenDone() {
    List<WorkerEvent> events = new ArrayList<>();
    MajordomoWorkers workers = new MajordomoWorkers(BridgeOptions.fromJson(new JsonObject()
        .put("maxMessageBytes", 1 << 20).put("maxWorkerBytes", 3 << 20)), (identity, delimited, frames) -> { },
        events::addAll, new BridgeStats());
    long now = System.nanoTime();
    workers.received(ascii("A"), true, List.of(Mdp.WORKER, new byte[] {Mdp.READY}, ascii("s")), 10, now, null);
    byte[] mib = new byte[1 << 20];
    for (long id = 1; id <= 4; id++) {
      workers.submit(new WorkerJob(id, "s", mib)); // 1 goes to A, 2 and 3 wait, 4 is one too many
    }
    workers.flush();
    assertEquals(3L << 20, workers.heldBytes());
    List<WorkerEvent.Outcome> outcomes = events.stream().filter(WorkerEvent.Outcome.class::isInstance)
        .map(WorkerEvent.Outcome.class::cast).toList();
    assertEquals(1, outcomes.size());
    assertEquals(4, outcomes.get(0).id());
    assertEquals(io.conduit.codec.ErrorCode.OVERLOADED, outcomes.get(0).code());
    assertTrue(outcomes.get(0).message().contains("maxWorkerBytes"), outcomes.get(0).message());

    // A answers request 1 and takes request 2: one request's bytes are given back
    byte[] client1 = java.nio.ByteBuffer.allocate(Long.BYTES).putLong(1).array();
    workers.received(ascii("A"), true, List.of(Mdp.WORKER, new byte[] {Mdp.REPLY}, client1, new byte[0], ascii("ok")),
        30, now, null);
    assertEquals(2L << 20, workers.heldBytes());
    workers.submit(new WorkerJob(5, "s", mib));
    assertEquals(3L << 20, workers.heldBytes(), "room again for one more");

    // the service's last worker goes: what it held and what waited are failed and given back
    workers.gone(ascii("A"));
    assertEquals(0, workers.heldBytes());
  }

  @Test
  void theBridgeInstancesOfANodeShareOneWorkerByteLimit() {
    List<WorkerEvent> events = new ArrayList<>();
    BridgeOptions options = BridgeOptions.fromJson(new JsonObject().put("maxMessageBytes", 1 << 20)
        .put("maxWorkerBytes", 2 << 20));
    io.conduit.codec.zmtp.ByteBudget node = new io.conduit.codec.zmtp.ByteBudget(2 << 20);
    MajordomoWorkers[] instances = new MajordomoWorkers[2];
    long now = System.nanoTime();
    for (int i = 0; i < 2; i++) {
      instances[i] = new MajordomoWorkers(options, (identity, delimited, frames) -> { }, events::addAll,
          new BridgeStats());
      instances[i].shareBudget(node);
      instances[i].received(ascii("W" + i), true, List.of(Mdp.WORKER, new byte[] {Mdp.READY}, ascii("s")), 10, now,
          null);
    }
    byte[] mib = new byte[1 << 20];
    instances[0].submit(new WorkerJob(1, "s", mib));
    instances[0].submit(new WorkerJob(2, "s", mib));
    instances[1].submit(new WorkerJob(3, "s", mib)); // the node's 2 MiB are taken by the other instance
    instances[1].flush();
    assertEquals(List.of(3L), events.stream().filter(WorkerEvent.Outcome.class::isInstance)
        .map(e -> ((WorkerEvent.Outcome) e).id()).toList());
    assertEquals(2L << 20, node.used());
    instances[0].gone(ascii("W0"));
    assertEquals(0, node.used(), "the lost worker's requests gave their bytes back to the node");
  }

  @Test
  void aRequestRefusedBecauseItsServiceQueueIsFullTakesNoBytes() {
    List<WorkerEvent> events = new ArrayList<>();
    MajordomoWorkers workers = new MajordomoWorkers(BridgeOptions.fromJson(new JsonObject()
        .put("maxMessageBytes", 1 << 20).put("maxWorkerBytes", 4 << 20).put("maxQueuedPerService", 1)),
        (identity, delimited, frames) -> { }, events::addAll, new BridgeStats());
    io.conduit.codec.zmtp.ByteBudget node = new io.conduit.codec.zmtp.ByteBudget(4 << 20);
    workers.shareBudget(node);
    workers.received(ascii("A"), true, List.of(Mdp.WORKER, new byte[] {Mdp.READY}, ascii("s")), 10,
        System.nanoTime(), null);
    byte[] mib = new byte[1 << 20];
    for (long id = 1; id <= 10; id++) {
      workers.submit(new WorkerJob(id, "s", mib)); // 1 at A, 2 waits, 3..10 find the queue full
    }
    workers.flush();
    assertEquals(8, events.stream().filter(WorkerEvent.Outcome.class::isInstance).count());
    assertEquals(2L << 20, node.used(), "only the requests held take bytes");
    workers.gone(ascii("A"));
    assertEquals(0, node.used());
  }

  @Test
  void aWorkerByteLimitSmallerThanTheLargestMessageIsRefused() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> BridgeOptions.fromJson(new JsonObject().put("maxMessageBytes", 1 << 20).put("maxWorkerBytes", 1000)));
    assertTrue(e.getMessage().contains("maxWorkerBytes (1000) must be at least maxMessageBytes (1048576)"),
        e.getMessage());
    assertEquals(256L << 20, BridgeOptions.fromJson(new JsonObject()).workers().maxHeldBytes());
    assertEquals(600L << 20, BridgeOptions.fromJson(new JsonObject().put("maxMessageBytes", 600 << 20))
        .workers().maxHeldBytes());
  }
}
