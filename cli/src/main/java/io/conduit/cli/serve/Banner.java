package io.conduit.cli.serve;

import io.conduit.codec.ConduitVersion;
import io.conduit.node.ServiceRoles;
import io.conduit.deploy.ServiceSpec;
import io.vertx.core.json.JsonObject;

import java.io.PrintStream;

/** The start-up banner: what runs, where to reach it, how the node is clustered. */
final class Banner {

  private Banner() {
  }

  static void print(PrintStream out, Node node, String dataDir, String backend, NodeTransport transport,
                    long loopSpinMicros) {
    out.println("Conduit " + ConduitVersion.get() + " - reactive cluster toolkit on Vert.x");
    if (node.clustered()) {
      out.println("  cluster   : '" + node.cluster().name() + "', node " + node.nodeId());
      out.println("  members   : " + String.join(", ", node.members()));
      int quorum = node.cluster().effectiveQuorum();
      out.println("  quorum    : " + quorum + (quorum == 1 ? " (any node may take over a store whose owner's lease ran out; "
          + "list 3 or more nodes in --members, or set --cluster-quorum, to refuse on the smaller side of a partition)"
          : " members to own a store (a smaller part of the cluster stops serving stores)"));
    } else {
      out.println("  cluster   : standalone (use --cluster to join others)");
    }
    out.println("  data      : " + dataDir + " (default backend " + backend + ")");
    out.println("  transport : " + transport.flag() + (node.vertx().isNativeTransportEnabled() ? " (native)" : "")
        + (loopSpinMicros > 0 ? ", idle event loops spin " + loopSpinMicros + " µs before they sleep" : ""));
    out.println("  services  :");
    java.util.List<ServiceSpec> specs = node.services().specs();
    int width = specs.stream().mapToInt(s -> s.name().length()).max().orElse(4);
    for (ServiceSpec s : specs) {
      out.printf("    %-" + width + "s  %-10s x%-5s %s%s%n", s.name(), s.threading().label(),
          s.instances(), s.verticle(), ServiceSummary.describe(s));
    }
    for (JsonObject r : ServiceRoles.all(node.vertx())) {
      out.println("  " + r.getString("kind") + " '" + r.getString("address") + "': " + ("OWNER".equals(r.getString("role"))
          ? "owner (epoch " + r.getValue("epoch") + ")" : "standby, " + r.getString("reason")));
    }
    out.println("Ready. Ctrl-C or SIGTERM stops the node cleanly.");
    out.flush();
  }
}
