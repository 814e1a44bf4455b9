package io.conduit.web;

import io.conduit.cluster.ClusterFactory;
import io.conduit.cluster.ClusterSettings;
import io.conduit.cluster.TestClusters;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.Instances;
import io.conduit.deploy.NodeControl;
import io.conduit.deploy.RunningServices;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console of one node shows and steers the whole cluster: two clustered nodes in this JVM,
 * the console on the first, the scalable service {@code remote} only on the second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusteredConsoleTest {

  private Vertx a;
  private Vertx b;
  private RunningServices servicesOfB;
  private WebFixture web;

  @BeforeAll
  void startCluster() throws Exception {
    ClusterSettings settings = TestClusters.settings("web-console");
    a = WebFixture.await(ClusterFactory.startClustered(new VertxOptions(), settings));
    b = WebFixture.await(ClusterFactory.startClustered(new VertxOptions(), settings));
    start(a, "local");
    servicesOfB = start(b, "remote");
    web = new WebFixture(a);
    web.deployAndWait(new JsonObject());
  }

  private static RunningServices start(Vertx vertx, String service) throws Exception {
    RunningServices services = new RunningServices(vertx);
    NodeMonitor.install(vertx, id -> services.serviceOf(id).orElse(null), services::deploymentsOf);
    WebFixture.await(services.deploy(new DeploymentPlan(List.of(ConduitNodeFixture.spec(service, new Instances(1, 3))))));
    WebFixture.await(new NodeControl(services).register());
    return services;
  }

  @AfterAll
  void stopCluster() throws Exception {
    WebFixture.await(b.close());
    WebFixture.await(a.close());
  }

  @Test
  void nodesListsEveryMemberThisOneFirst() throws Exception {
    JsonObject body = web.getNow("/api/nodes").bodyAsJsonObject();
    assertTrue(body.getBoolean("clustered"));
    JsonArray nodes = body.getJsonArray("nodes");
    assertEquals(2, nodes.size(), body.encode());
    assertEquals(NodeControl.nodeId(a), nodes.getJsonObject(0).getString("node"));
    assertEquals(NodeControl.nodeId(b), nodes.getJsonObject(1).getString("node"));
    assertTrue(nodes.getJsonObject(1).getJsonObject("heap").getLong("usedBytes") > 0);
  }

  @Test
  void servicesAreListedUnderTheNodeThatRunsThem() throws Exception {
    JsonObject body = web.getNow("/api/services").bodyAsJsonObject();
    for (Object o : body.getJsonArray("nodes")) {
      JsonObject node = (JsonObject) o;
      String expected = node.getString("node").equals(NodeControl.nodeId(b)) ? "remote" : "local";
      assertEquals(expected, node.getJsonArray("services").getJsonObject(0).getString("name"), body.encode());
    }
  }

  @Test
  void scaleActsOnTheNodeThatRunsTheService() throws Exception {
    HttpResponse<Buffer> r = web.postNow("/api/services/remote/scale", new JsonObject().put("instances", 2));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonArray results = r.bodyAsJsonObject().getJsonArray("results");
    assertEquals(1, results.size());
    assertEquals(NodeControl.nodeId(b), results.getJsonObject(0).getString("node"));
    assertEquals(2, servicesOfB.deploymentsOf("remote").size());
    WebFixture.await(servicesOfB.scale("remote", 1));
  }

  @Test
  void aStoresReplicaReadsWithNoStandbyServingYetAreRetriablyUnavailable() throws Exception {
    WebFixture.await(b.sharedData().<String, JsonObject>getAsyncMap("conduit.store.owners")
        .compose(m -> m.put("nobody.store", new JsonObject().put("node", "gone").put("epoch", 1))));
    HttpResponse<Buffer> r = CallApiTest.untilSaid(web, "/api/call/nobody.store.ro", "replica reads");
    assertEquals(503, r.statusCode(), r.bodyAsString());
    assertEquals("UNAVAILABLE", r.bodyAsJsonObject().getString("code"));
    assertEquals("1", r.getHeader("retry-after"));
    assertEquals(io.conduit.store.owner.StoreOwnership.noReplicaReads("nobody.store", true),
        r.bodyAsJsonObject().getString("message"));
  }

  @Test
  void clusterHealthCountsTheMembers() throws Exception {
    HttpResponse<Buffer> r = web.getNow("/health/cluster");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(2, r.bodyAsJsonObject().getJsonObject("data").getInteger("members"));
  }
}
