package io.conduit.worker;

import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.ClusterSettings;
import io.conduit.cluster.TestClusters;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.RunningServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes running the same pipeline: a job a stage here passes to the next stage may be worked
 * on by the other node, and must not stay counted here once the pipeline has answered.
 */
@Timeout(120)
class LoadMeterClusterTest {

  private final List<Vertx> nodes = new ArrayList<>();
  private LoadMeter meter;

  @AfterEach
  void close() throws Exception {
    if (meter != null) {
      meter.detach();
    }
    for (Vertx v : nodes) {
      await(v.close());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private RunningServices node(ClusterSettings settings) throws Exception {
    Vertx vertx = await(ClusterFactory.startClustered(new VertxOptions(), settings));
    nodes.add(vertx);
    RunningServices services = new RunningServices(vertx);
    await(services.deploy(DeploymentPlan.parse("""
        {"pipelines": [{"name": "p", "stages": [
          {"verticle": "%1$s", "config": {"holdMs": 1}}, {"verticle": "%1$s", "config": {"holdMs": 1}}]}]}
        """.formatted(LoadMeterTest.HeldStage.class.getName()), "p.json")));
    return services;
  }

  @Test
  void aJobPassedToAStageOnAnotherNodeDoesNotStayCountedHere() throws Exception {
    ClusterSettings settings = TestClusters.settings("load-meter");
    RunningServices a = node(settings);
    node(settings);
    meter = new LoadMeter(a.vertx());
    for (String stage : List.of("pipeline.p.1", "pipeline.p.2")) {
      meter.track(stage, stage, a.deploymentIds(stage));
    }
    meter.attach();
    List<Future<Message<Object>>> replies = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      replies.add(a.vertx().eventBus().request("pipeline.p", "job" + i));
    }
    Set<Object> answers = new java.util.HashSet<>();
    for (Future<Message<Object>> reply : replies) {
      answers.add(await(reply).body());
    }
    assertEquals(40, answers.size());
    // every job has been answered: nothing is at a stage here any more (the outcome of a job
    // sent on from here may come from the other node, whose stage this node never sees it leave)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (meter.sample("pipeline.p.1").inFlight() + meter.sample("pipeline.p.2").inFlight() > 0) {
      assertTrue(System.nanoTime() < deadline, "still counted: " + meter.sample("pipeline.p.1") + ", "
          + meter.sample("pipeline.p.2"));
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
