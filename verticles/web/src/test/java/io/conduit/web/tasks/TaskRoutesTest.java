package io.conduit.web.tasks;

import io.conduit.task.TaskQueueVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task queue's REST API, mounted at /api/tasks on a server of the test's own. */
class TaskRoutesTest {

  private Vertx vertx;
  private WebClient client;
  private int port;
  private final String queue = "tasks-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    JsonObject config = new JsonObject().put("address", queue).put("sweepMs", 50).put("leaseMs", 600)
        .put("handlers", new JsonObject().put("steps", StepsForRest.class.getName()));
    await(vertx.deployVerticle(new TaskQueueVerticle(), new DeploymentOptions().setConfig(config)));
    Router root = Router.router(vertx);
    root.route("/api/tasks*").subRouter(TaskRoutes.router(vertx, queue));
    HttpServer server = await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    port = server.actualPort();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private HttpResponse<Buffer> post(Object body) {
    return await(client.post("/api/tasks").sendBuffer(Buffer.buffer(body.toString())));
  }

  private HttpResponse<Buffer> get(String uri) {
    return await(client.get(uri).send());
  }

  private static JsonObject steps(int steps, long stepMs) {
    return new JsonObject().put("task", "steps").put("args", new JsonObject().put("steps", steps).put("stepMs", stepMs));
  }

  private JsonObject awaitState(String location, String state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = get(location).bodyAsJsonObject();
      if (state.equals(last.getString("state"))) {
        return last;
      }
      LockSupport.parkNanos(10_000_000);
    }
    throw new AssertionError("not " + state + ": " + last);
  }

  @Test
  void postAnswers202WithTheTasksLocationAndGetThereShowsItsStateAndProgress() {
    HttpResponse<Buffer> created = post(steps(3, 0));
    assertEquals(202, created.statusCode());
    String id = created.bodyAsJsonObject().getString("id");
    assertEquals("/api/tasks/" + id, created.getHeader("Location"));

    JsonObject done = awaitState(created.getHeader("Location"), "SUCCESS");
    assertEquals(new JsonObject().put("steps", 3), done.getJsonObject("result"));
    assertEquals(3L, done.getJsonObject("progress").getLong("current"));
    assertEquals("application/json", get("/api/tasks/" + id).getHeader("content-type"));
  }

  @Test
  void errorsAreJsonBodiesWithTheirCodes() {
    HttpResponse<Buffer> unknown = post(new JsonObject().put("task", "no.such"));
    assertEquals(400, unknown.statusCode());
    assertEquals("BAD_REQUEST", unknown.bodyAsJsonObject().getString("code"));
    assertTrue(unknown.bodyAsJsonObject().getString("message").contains("no.such"));

    assertEquals(400, post("not json").statusCode());
    assertEquals(400, post(new JsonArray().add(1)).statusCode());
    HttpResponse<Buffer> missing = get("/api/tasks/no-such-id");
    assertEquals(404, missing.statusCode());
    assertEquals("NOT_FOUND", missing.bodyAsJsonObject().getString("code"));
    assertEquals(400, get("/api/tasks?state=DONE").statusCode());
    HttpResponse<Buffer> badLimit = get("/api/tasks?limit=lots");
    assertEquals(400, badLimit.statusCode());
    assertTrue(badLimit.bodyAsJsonObject().getString("message").contains("limit"));
    assertEquals(404, await(client.delete("/api/tasks/no-such-id").send()).statusCode());
  }

  @Test
  void deleteCancelsAQueuedOrRunningTask() {
    String location = post(steps(1000, 20)).getHeader("Location");
    awaitState(location, "PROGRESS");
    HttpResponse<Buffer> cancelled = await(client.delete(location).send());
    assertEquals(202, cancelled.statusCode(), "running: cancel requested");
    awaitState(location, "REVOKED");
    HttpResponse<Buffer> again = await(client.delete(location).send());
    assertEquals(409, again.statusCode());
    assertEquals("CONFLICT", again.bodyAsJsonObject().getString("code"));
  }

  @Test
  void theEventsRouteStreamsTheTasksChangesAsServerSentEventsUntilItFinishes() {
    JsonObject gated = steps(5, 10);
    gated.getJsonObject("args").put("gate", true);
    String location = post(gated).getHeader("Location");
    StringBuffer received = new StringBuffer();
    HttpClient http = vertx.createHttpClient();
    Future<Integer> ended = http.request(HttpMethod.GET, port, "127.0.0.1", location + "/events")
        .compose(req -> req.send())
        .compose(resp -> {
          assertEquals("text/event-stream", resp.getHeader("content-type"));
          resp.handler(chunk -> {
            received.append(chunk.toString());
            StepsForRest.GATE.countDown(); // the stream is open: let the task run
          });
          return resp.end().map(v -> resp.statusCode());
        });

    assertEquals(200, await(ended));
    List<String> events = received.toString().lines().filter(l -> l.startsWith("event: ")).toList();
    assertTrue(events.contains("event: progress"), events.toString());
    assertEquals("event: success", events.get(events.size() - 1), events.toString());
    String lastData = received.toString().lines().filter(l -> l.startsWith("data: ")).reduce((a, b) -> b).orElseThrow();
    assertEquals(new JsonObject().put("steps", 5), new JsonObject(lastData.substring(6)).getJsonObject("result"));
  }

  @Test
  void anEventStreamWhoseFinalEventWasLostEndsWithTheStatusItReadsAgain() {
    // A queue that stores its changes but never publishes them, like a node killed between the two.
    int[] asked = {0};
    String stream = eventsFromAQueueThatPublishesNothing(m -> {
      String state = ++asked[0] == 1 ? "STARTED" : "SUCCESS";
      m.reply(new JsonObject().put("id", m.body().getString("id")).put("state", state).put("attempts", 1));
    });

    List<String> events = stream.lines().filter(l -> l.startsWith("event: ")).toList();
    assertEquals(List.of("event: started", "event: success"), events);
  }

  @Test
  void eventNamesAreTheStatesInLowerCaseWhateverTheLocale() {
    java.util.Locale before = java.util.Locale.getDefault();
    java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR")); // "FAILURE" would become "faılure"
    try {
      String stream = eventsFromAQueueThatPublishesNothing(m -> m.reply(new JsonObject()
          .put("id", m.body().getString("id")).put("state", "FAILURE").put("attempts", 1)));
      List<String> events = stream.lines().filter(l -> l.startsWith("event: ")).toList();
      assertEquals(List.of("event: failure"), events);
    } finally {
      java.util.Locale.setDefault(before);
    }
  }

  @Test
  void anEventStreamWhoseTaskWasRemovedMeanwhileEndsWithANotFoundError() {
    // The final event was lost and the record has expired since: the status read answers 404.
    int[] asked = {0};
    String stream = eventsFromAQueueThatPublishesNothing(m -> {
      if (++asked[0] == 1) {
        m.reply(new JsonObject().put("id", m.body().getString("id")).put("state", "STARTED").put("attempts", 1));
      } else {
        m.fail(404, "unknown task id 't1'");
      }
    });

    List<String> events = stream.lines().filter(l -> l.startsWith("event: ")).toList();
    assertEquals(List.of("event: started", "event: error"), events);
    String lastData = stream.lines().filter(l -> l.startsWith("data: ")).reduce((x, y) -> y).orElseThrow();
    assertEquals("NOT_FOUND", new JsonObject(lastData.substring(6)).getString("code"), lastData);
  }

  /**
   * The whole event stream of task {@code t1} from routes over a queue of the test's own, which
   * answers status reads with {@code queue} and never publishes an event; the routes read the
   * status again after 100 ms without an event.
   */
  private String eventsFromAQueueThatPublishesNothing(Handler<Message<JsonObject>> queue) {
    String address = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
    vertx.eventBus().consumer(address, queue);
    Router root = Router.router(vertx);
    root.route("/api/tasks*").subRouter(TaskRoutes.router(vertx, address, 100));
    int quietPort = await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1")).actualPort();
    StringBuffer received = new StringBuffer();
    Future<Integer> ended = vertx.createHttpClient()
        .request(HttpMethod.GET, quietPort, "127.0.0.1", "/api/tasks/t1/events")
        .compose(req -> req.send())
        .compose(resp -> {
          resp.handler(chunk -> received.append(chunk.toString()));
          return resp.end().map(v -> resp.statusCode());
        });
    assertEquals(200, await(ended));
    return received.toString();
  }

  @Test
  void listFiltersByStateAndPages() {
    for (int i = 0; i < 3; i++) {
      awaitState(post(steps(1, 0)).getHeader("Location"), "SUCCESS");
    }
    JsonObject page = get("/api/tasks?state=SUCCESS&limit=2").bodyAsJsonObject();
    assertEquals(2, page.getJsonArray("tasks").size());
    JsonObject rest = get("/api/tasks?state=SUCCESS&limit=2&cursor=" + page.getString("cursor")).bodyAsJsonObject();
    assertEquals(1, rest.getJsonArray("tasks").size());
    assertEquals(0, get("/api/tasks?state=FAILURE").bodyAsJsonObject().getJsonArray("tasks").size());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
