package io.conduit.deploy;

/** A service that is running on this node, with the Vert.x deployment that runs it. */
public record DeployedService(ServiceSpec spec, String deploymentId) {
}
