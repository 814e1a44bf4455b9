package io.conduit.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSettingsTest {

  @Test
  void defaultsStayOnLoopbackAwayFromHazelcastsUsualPorts() {
    ClusterSettings s = ClusterSettings.defaults();
    assertEquals("127.0.0.1", s.host());
    assertTrue(s.port() > 5703 || s.port() + s.portCount() < 5701);
    assertEquals(new ClusterSettings.Member("127.0.0.1", s.port()), s.effectiveMembers().get(0));
  }

  @Test
  void membersParseFromACommaSeparatedList() {
    assertEquals(List.of(new ClusterSettings.Member("10.0.0.5", 15701), new ClusterSettings.Member("::1", 15702)),
        ClusterSettings.Member.parseList("10.0.0.5:15701, [::1]:15702"));
  }

  @Test
  void aMemberWithoutPortIsRefusedWithItsText() {
    var e = assertThrows(IllegalArgumentException.class, () -> ClusterSettings.Member.parseList("10.0.0.5"));
    assertTrue(e.getMessage().contains("'10.0.0.5' must be host:port"), e.getMessage());
  }

  @Test
  void aMemberWithABadPortIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> ClusterSettings.Member.parse("h:99999"));
    assertTrue(e.getMessage().contains("1-65535"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ClusterSettings.Member.parse("h:x"));
    assertTrue(e.getMessage().contains("not a number"), e.getMessage());
  }

  @Test
  void systemPropertiesOverrideTheDefaults() {
    System.setProperty("conduit.cluster.name", "from-props");
    System.setProperty("conduit.cluster.members", "127.0.0.1:20001");
    try {
      ClusterSettings s = ClusterSettings.fromSystemProperties();
      assertEquals("from-props", s.name());
      assertEquals(List.of(new ClusterSettings.Member("127.0.0.1", 20001)), s.members());
    } finally {
      System.clearProperty("conduit.cluster.name");
      System.clearProperty("conduit.cluster.members");
    }
  }

  @Test
  void theQuorumIsAMajorityOfThreeOrMoreListedNodesAndOneOtherwise() {
    ClusterSettings base = ClusterSettings.defaults();
    assertEquals(1, base.effectiveQuorum(), "nothing listed");
    assertEquals(1, base.withMembers(ClusterSettings.Member.parseList("127.0.0.1:15702")).effectiveQuorum(),
        "two nodes: this one and one listed");
    assertEquals(2, base.withMembers(ClusterSettings.Member.parseList("127.0.0.1:15701,127.0.0.1:15702,127.0.0.1:15703"))
        .effectiveQuorum(), "three listed, this one among them");
    assertEquals(2, base.withMembers(ClusterSettings.Member.parseList("10.0.0.2:15701,10.0.0.3:15701"))
        .effectiveQuorum(), "two others and this one");
    assertEquals(3, base.withMembers(ClusterSettings.Member.parseList("a:1,b:1,c:1,d:1")).effectiveQuorum(),
        "four others and this one");
    assertEquals(2, base.withMembers(ClusterSettings.Member.parseList("127.0.0.1:15702")).withQuorum(2)
        .effectiveQuorum(), "given");
  }

  @Test
  void aQuorumNoPartOfTheClusterCouldReachIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> ClusterSettings.defaults()
        .withMembers(ClusterSettings.Member.parseList("127.0.0.1:15702")).withQuorum(3));
    assertTrue(e.getMessage().contains("cluster quorum 3 is more than the 2 nodes --members lists"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ClusterSettings.defaults().withQuorum(-1));
    assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    System.setProperty("conduit.cluster.quorum", "two");
    try {
      e = assertThrows(IllegalArgumentException.class, ClusterSettings::fromSystemProperties);
      assertTrue(e.getMessage().contains("conduit.cluster.quorum must be a number, got 'two'"), e.getMessage());
    } finally {
      System.clearProperty("conduit.cluster.quorum");
    }
  }
}
