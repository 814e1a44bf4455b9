package io.conduit.pipeline;

import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.ClusterSettings;
import io.conduit.cluster.TestClusters;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.RunningServices;
import io.conduit.deploy.ServiceSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.conduit.pipeline.PipelineVerticleTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One pipeline across two clustered nodes: stage 2 runs only on node B, stages 1 and 3 and the
 * entry only on node A; jobs sent from either node pass all stages in order and come back.
 */
class PipelineClusterTest {

  private static final String DEPLOYMENT = """
      {"pipelines": [{"name": "spread", "stages": [
        {"name": "first", "verticle": "%1$s", "config": {"suffix": "a1"}},
        {"name": "second", "verticle": "%1$s", "config": {"suffix": "b2", "failOn": "poison"}},
        {"name": "third", "verticle": "%1$s", "config": {"suffix": "a3"}}]}]}
      """.formatted(TestStages.Append.class.getName());

  private static Vertx nodeA;
  private static Vertx nodeB;

  @BeforeAll
  static void startTwoNodes() throws Exception {
    ClusterSettings settings = TestClusters.settings("pipeline-cluster");
    nodeA = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    nodeB = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    DeploymentPlan plan = DeploymentPlan.parse(DEPLOYMENT, "spread.json");
    await(new RunningServices(nodeA).deploy(only(plan, name -> !name.equals("pipeline.spread.2"))));
    await(new RunningServices(nodeB).deploy(only(plan, name -> name.equals("pipeline.spread.2"))));
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
}
