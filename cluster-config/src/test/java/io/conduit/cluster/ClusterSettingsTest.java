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
}
