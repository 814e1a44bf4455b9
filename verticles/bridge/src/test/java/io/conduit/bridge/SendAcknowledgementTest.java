package io.conduit.bridge;

import io.conduit.Conditions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A send's acknowledgement: the event bus's answer when it comes in time, else OK once the wait is
 * over (a connection to another node that hangs must not hold the client's place), and never both.
 */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class SendAcknowledgementTest {

  private static final long WAIT_MS = 300;

  /** What the client was told, in order: "handed over", or the event bus's outcome. */
  private final List<String> told = new CopyOnWriteArrayList<>();

  private Promise<Void> sendOnLoop(Vertx vertx) {
    Promise<Void> written = Promise.promise();
    RequestDeadlines deadlines = new RequestDeadlines(vertx);
    vertx.runOnContext(v -> RequestHandler.whenWritten(written.future(), deadlines, WAIT_MS,
        () -> told.add("handed over"), (AsyncResult<Void> w) -> told.add(w.succeeded() ? "written" : "failed")));
    return written;
  }

  @Test
  void aWriteThatNeverCompletesIsAcknowledgedAsHandedOverOnceTheWaitIsOver(Vertx vertx) {
    long start = System.nanoTime();
    Promise<Void> written = sendOnLoop(vertx);
    Conditions.await(5_000, () -> !told.isEmpty(), () -> "no acknowledgement: " + told);
    assertEquals(List.of("handed over"), told);
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(waitedMs >= WAIT_MS, "acknowledged after " + waitedMs + " ms, before the wait was over");
    // the bus answers late (a connection that failed after a minute): the client was answered already
    vertx.runOnContext(v -> written.fail("connection refused"));
    Conditions.holdsFor(WAIT_MS, () -> told.size() == 1, () -> "answered twice: " + told);
  }

  @Test
  void aWriteThatCompletesInTimeIsAnsweredWithItsOutcomeAndTheWaitDoesNothing(Vertx vertx) {
    Promise<Void> written = sendOnLoop(vertx);
    vertx.runOnContext(v -> written.fail("no handlers"));
    Conditions.await(5_000, () -> !told.isEmpty(), () -> "no acknowledgement: " + told);
    Conditions.holdsFor(2 * WAIT_MS, () -> told.equals(List.of("failed")), () -> "told: " + told);
  }
}
