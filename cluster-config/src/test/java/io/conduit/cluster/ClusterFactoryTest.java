package io.conduit.cluster;

import com.hazelcast.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class ClusterFactoryTest {

  @Test
  void builtInConfigIsLoopbackTcpIpWithoutMulticastOrPhoneHome() {
    ClusterSettings settings = TestClusters.settings("cfg");
    Config c = ClusterFactory.hazelcastConfig(settings);
    assertEquals(settings.name(), c.getClusterName());
    assertFalse(c.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
    assertFalse(c.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled());
    assertTrue(c.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
    assertEquals("false", c.getProperty("hazelcast.phone.home.enabled"));
    assertEquals("0", c.getProperty("hazelcast.wait.seconds.before.join"));
    assertEquals("false", c.getProperty("hazelcast.socket.bind.any"));
    assertEquals(settings.port(), c.getNetworkConfig().getPort());
  }

  @Test
  void aUserFileIsTheBaseAndStillGetsVertxStructures(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("hz.yaml");
    Files.writeString(file, "hazelcast:\n  cluster-name: from-file\n");
    Config c = ClusterFactory.hazelcastConfig(ClusterSettings.defaults().withConfigFile(file));
    assertEquals("from-file", c.getClusterName());
    assertTrue(c.getMultiMapConfigs().containsKey("__vertx.subs"));
  }

  @Test
  void conduitMapsKeepTheBackupsAskedFor() {
    assertEquals(1, ClusterFactory.hazelcastConfig(TestClusters.settings("b1")).getMapConfig("conduit.tasks.tasks")
        .getBackupCount(), "one backup by default");
    assertEquals(2, ClusterFactory.hazelcastConfig(TestClusters.settings("b2").withBackups(2))
        .getMapConfig("conduit.store.owners").getBackupCount());
    var e = assertThrows(IllegalArgumentException.class, () -> TestClusters.settings("b3").withBackups(7));
    assertTrue(e.getMessage().contains("cluster backups must be 0-6"), e.getMessage());
  }

  @Test
  void storeOwnersNeedTheQuorumAndOtherMapsDoNot() {
    ClusterSettings s = TestClusters.settings("q3");
    Config three = ClusterFactory.hazelcastConfig(s.withMembers(ClusterSettings.Member.parseList(
        "127.0.0.1:" + s.port() + ",127.0.0.1:" + (s.port() + 1) + ",127.0.0.1:" + (s.port() + 2))));
    assertEquals(ClusterFactory.STORE_QUORUM, three.getMapConfig(ClusterFactory.STORE_OWNERS_MAP).getSplitBrainProtectionName());
    assertEquals(2, three.getSplitBrainProtectionConfig(ClusterFactory.STORE_QUORUM).getMinimumClusterSize());
    assertEquals(null, three.getMapConfig("conduit.tasks.tasks").getSplitBrainProtectionName());
    Config one = ClusterFactory.hazelcastConfig(TestClusters.settings("q1"));
    assertEquals(null, one.getMapConfig(ClusterFactory.STORE_OWNERS_MAP).getSplitBrainProtectionName(),
        "one member is always a quorum");
  }

  @Test
  void aMissingClusterFileIsNamed() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> ClusterFactory.hazelcastConfig(ClusterSettings.defaults().withConfigFile(Path.of("/nope/hz.xml"))));
    assertTrue(e.getMessage().contains("/nope/hz.xml does not exist"), e.getMessage());
  }

  @Test
  void twoNodesInOneJvmDoRequestReplyAcrossTheCluster(VertxTestContext ctx) {
    ClusterSettings settings = TestClusters.settings("two-nodes");
    Future<Vertx> a = ClusterFactory.startClustered(new VertxOptions(), settings);
    Future<Vertx> b = a.compose(v -> ClusterFactory.startClustered(new VertxOptions(), settings));
    Future.all(a, b)
        .compose(all -> b.result().eventBus().consumer("only.on.b", m -> m.reply("b got " + m.body())).completion())
        .compose(v -> a.result().eventBus().<String>request("only.on.b", "hello"))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> assertEquals("b got hello", reply.body()))))
        .eventually(() -> Future.join(a.result().close(), b.result().close()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void listingOnlyUnreachableMembersFailsAndLeavesNothingRunning(VertxTestContext ctx) throws Exception {
    int nobody = TestClusters.freePort();
    ClusterSettings settings = TestClusters.settings("unreachable")
        .withMembers(List.of(new ClusterSettings.Member("127.0.0.1", nobody)));
    ClusterFactory.startClustered(new VertxOptions(), settings)
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().contains("could not reach any cluster member (127.0.0.1:" + nobody + ")"),
              e.getMessage());
          assertTrue(com.hazelcast.core.Hazelcast.getAllHazelcastInstances().isEmpty(), "hazelcast left running");
          ctx.completeNow();
        })));
    assertTrue(ctx.awaitCompletion(60, TimeUnit.SECONDS));
  }
}
