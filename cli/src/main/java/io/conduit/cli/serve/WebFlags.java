package io.conduit.cli.serve;

import io.conduit.cli.CliFailure;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.ServiceSpec;
import io.conduit.web.WebVerticle;

/**
 * {@code --web HOST:PORT} of {@code conduit serve}, applied to every web console service of the
 * deployment: the flag, when given, wins over the deployment file's host and port.
 */
record WebFlags(String host, int port) {

  DeploymentPlan applyTo(DeploymentPlan plan) {
    DeploymentPlan result = plan;
    boolean found = false;
    for (ServiceSpec spec : plan.services()) {
      if (spec.verticle().equals(WebVerticle.class.getName())) {
        result = result.with(spec.withConfig(spec.config().copy().put("host", host).put("port", port)));
        found = true;
      }
    }
    if (!found) {
      throw new CliFailure("--web was given but the deployment has no web console service (" + WebVerticle.class.getName() + ")");
    }
    return result;
  }
}
