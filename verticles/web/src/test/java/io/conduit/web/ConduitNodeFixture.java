package io.conduit.web;

import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.Instances;
import io.conduit.deploy.NodeControl;
import io.conduit.deploy.RunningServices;
import io.conduit.deploy.ServiceSpec;
import io.conduit.deploy.Threading;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * An in-JVM node as {@code conduit serve} builds it: the service registry with two test services
 * ({@code chatty}, scalable 1..3, and {@code fixed}), node control, the node monitor, and the web console.
 */
final class ConduitNodeFixture {

  /** Test JVMs log warnings only (.ci/test-logging.properties); the test service's INFO records are what the tests read. */
  private static final java.util.logging.Logger CHATTY_LOG = java.util.logging.Logger.getLogger(Chatty.class.getName());

  static {
    CHATTY_LOG.setLevel(java.util.logging.Level.INFO);
  }

  final RunningServices services;
  final WebFixture web;

  private ConduitNodeFixture(RunningServices services, WebFixture web) {
    this.services = services;
    this.web = web;
  }

  static ConduitNodeFixture start(Vertx vertx) throws Exception {
    return start(vertx, null);
  }

  /** With a console token (null: none), which node control then requires as {@code conduit serve} sets it up. */
  static ConduitNodeFixture start(Vertx vertx, String token) throws Exception {
    RunningServices services = new RunningServices(vertx);
    NodeMonitor.install(vertx, id -> services.serviceOf(id).orElse(null), services::deploymentsOf);
    WebFixture.await(services.deploy(new DeploymentPlan(List.of(
        spec("chatty", new Instances(1, 3)), spec("fixed", Instances.fixed(1))))));
    WebFixture.await(new NodeControl(services, token).register());
    WebFixture web = new WebFixture(vertx);
    web.token = token;
    web.deployAndWait(token == null ? new JsonObject() : new JsonObject().put("token", token));
    return new ConduitNodeFixture(services, web);
  }

  static ServiceSpec spec(String name, Instances instances) {
    return new ServiceSpec(name, Chatty.class.getName(), instances, Threading.EVENT_LOOP, new JsonObject().put("address", name));
  }
}
