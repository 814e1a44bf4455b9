package io.conduit.web;

/** Where each node's service control listens (built by the deploy package's node control). */
final class NodeControl {

  private NodeControl() {
  }

  static String address(String nodeId) {
    return "conduit.node." + nodeId;
  }
}
