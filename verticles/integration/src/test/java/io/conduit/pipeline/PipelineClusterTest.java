package io.conduit.pipeline;

import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.ClusterSettings;
import io.conduit.cluster.TestClusters;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.RunningServices;
import io.conduit.deploy.ServiceSpec;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.conduit.pipeline.PipelineVerticleTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pipelines across two clustered nodes, the entries on node A: {@code spread} runs stage 2 only on
 * node B, {@code back} its last two stages (so the outcome crosses back to the entry), and
 * {@code hangs} a stage on node B that never finishes; jobs sent from either node pass all stages
 * in order and come back.
 */
class PipelineClusterTest {

  private static final String DEPLOYMENT = """
      {"pipelines": [{"name": "spread", "stages": [
        {"name": "first", "verticle": "%1$s", "config": {"suffix": "a1"}},
        {"name": "second", "verticle": "%1$s", "config": {"suffix": "b2", "failOn": "poison"}},
        {"name": "third", "verticle": "%1$s", "config": {"suffix": "a3"}}]},
       {"name": "back", "stageTimeoutMs": 500, "stages": [
        {"name": "here", "verticle": "%1$s", "config": {"suffix": "a1"}},
        {"name": "there", "verticle": "%1$s", "config": {"suffix": "b2"}},
        {"name": "thereLast", "verticle": "%1$s", "config": {"suffix": "b3", "failOn": "poison"}}]},
       {"name": "hangs", "stageTimeoutMs": 300, "stages": [
        {"name": "here", "verticle": "%1$s", "config": {"suffix": "a1"}},
        {"name": "stuck", "verticle": "%2$s"}]}]}
      """.formatted(TestStages.Append.class.getName(), TestStages.Silent.class.getName());
  /** The services only node B runs; node A runs the rest. */
  private static final Set<String> ON_B = Set.of("pipeline.spread.2", "pipeline.back.2", "pipeline.back.3",
      "pipeline.hangs.2");

  private static Vertx nodeA;
  private static Vertx nodeB;

  @BeforeAll
  static void startTwoNodes() throws Exception {
    ClusterSettings settings = TestClusters.settings("pipeline-cluster");
    nodeA = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    nodeB = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    DeploymentPlan plan = DeploymentPlan.parse(DEPLOYMENT, "spread.json");
    await(new RunningServices(nodeA).deploy(only(plan, name -> !ON_B.contains(name))));
    await(new RunningServices(nodeB).deploy(only(plan, ON_B::contains)));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (Vertx node : new Vertx[] {nodeB, nodeA}) {
      if (node != null) {
        node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static DeploymentPlan only(DeploymentPlan plan, Predicate<String> names) {
    List<ServiceSpec> kept = plan.services().stream().filter(s -> names.test(s.name())).toList();
    return new DeploymentPlan(kept);
  }

  @Test
  void jobsFromEitherNodePassTheStagesOnBothNodesInOrder() throws Exception {
    List<Future<Message<Object>>> replies = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Vertx from = i % 2 == 0 ? nodeA : nodeB;
      replies.add(from.eventBus().request("pipeline.spread", "job" + i));
    }
    await(Future.all(replies));
    for (int i = 0; i < replies.size(); i++) {
      assertEquals("job" + i + ">a1>b2>a3", replies.get(i).result().body());
    }
  }

  @Test
  void aFailingStageOnTheOtherNodeIsNamed() {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(nodeA.eventBus().request("pipeline.spread", "poison")));
    ReplyException reply = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(400, reply.failureCode());
    assertEquals("stage 2 (second) failed: cannot handle 'poison>a1'", reply.getMessage());
  }

  @Test
  void theLastStageOnTheOtherNodeSendsTheResultBackToTheEntryWithoutReplyHops() throws Exception {
    await(nodeB.eventBus().request("pipeline.back", "warm"));
    List<String> sent = Collections.synchronizedList(new ArrayList<>());
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    Handler<DeliveryContext<Object>> record = delivery -> {
      sent.add(delivery.message().address());
      if (delivery.message().replyAddress() != null) {
        requests.add(delivery.message().address());
      }
      delivery.next();
    };
    nodeA.eventBus().addOutboundInterceptor(record);
    nodeB.eventBus().addOutboundInterceptor(record);
    try {
      assertEquals("job>a1>b2>b3", await(nodeB.eventBus().request("pipeline.back", "job")).body());
    } finally {
      nodeA.eventBus().removeOutboundInterceptor(record);
      nodeB.eventBus().removeOutboundInterceptor(record);
    }
    synchronized (sent) {
      assertEquals(6, sent.size(), "request, 3 stages, the outcome to the entry, the reply: " + sent);
      assertEquals(List.of("pipeline.back", "pipeline.back.1", "pipeline.back.2", "pipeline.back.3"), sent.subList(0, 4));
      assertTrue(sent.get(4).startsWith("pipeline.back.results."), sent.get(4));
      assertEquals(List.of("pipeline.back"), requests, "only the requester asks for a reply");
    }
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(nodeB.eventBus().request("pipeline.back", "poison")));
    ReplyException reply = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(400, reply.failureCode());
    assertEquals("stage 3 (thereLast) failed: cannot handle 'poison>a1>b2'", reply.getMessage());
  }

  @Test
  void aStuckStageOnTheOtherNodeTimesOutNamed() {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(nodeA.eventBus().request("pipeline.hangs", "job")));
    ReplyException reply = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(504, reply.failureCode());
    assertEquals("stage 2 (stuck) failed: no reply from 'pipeline.hangs.2' within 300 ms", reply.getMessage());
  }
}
