package io.conduit.bridge;

import io.conduit.codec.mdp.Mdp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
