package io.conduit.node;

/**
 * A verticle through which traffic enters a node: the ZeroMQ bridge, the web console and REST API.
 * A deployment starts its front doors after every other service (so nothing is let in before the
 * stores have recovered and the services are listening) and stops them first (so nothing is let in
 * while the services shut down); see {@code io.conduit.deploy.RunningServices#deploy}.
 */
public interface FrontDoor {
}
