package io.conduit.bridge;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishReachTest {

  private static PublishReach reaching(String... nodes) {
    PublishReach reach = new PublishReach("news", 0);
    reach.reached(List.of(nodes));
    return reach;
  }

  @Test
  void settledOnceEveryHandlerOfEveryNodeReachedAnswered() {
    PublishReach reach = reaching("b", "c");
    assertFalse(reach.fromNode("b", 2), "one of b's two");
    assertFalse(reach.settled());
    assertTrue(reach.fromNode("b", 2), "b's second");
    assertFalse(reach.settled(), "c has not answered");
    assertTrue(reach.fromNode("c", 1));
    assertTrue(reach.settled());
    assertFalse(reach.fromNode("c", 1), "a receipt past the count it gave changes nothing");
    assertTrue(reach.settled());
  }

  @Test
  void notSettledWhileTheEventBusHasNotSaidWhichNodesItReached() {
    PublishReach reach = new PublishReach("news", 0);
    assertTrue(reach.asking());
    assertFalse(reach.settled(), "nothing owed is known yet");
    assertTrue(reach.fromNode("b", 1), "a node may answer before the event bus does");
    assertFalse(reach.settled());
    reach.reached(List.of("b", "c"));
    assertFalse(reach.settled(), "c is waited for, b answered already");
    assertTrue(reach.fromNode("c", 1));
    assertTrue(reach.settled());

    PublishReach unanswered = new PublishReach("news", 0);
    unanswered.stopAsking();
    assertTrue(unanswered.settled(), "no answer: waits for no one");
  }

  @Test
  void nodesThatLeftOrAreNoLongerListedOrPassedItOweNothing() {
    PublishReach reach = reaching("b", "c", "d");
    reach.fromNode("b", 3);
    reach.keepMembers(Set.of("c", "d", "e"));
    assertFalse(reach.settled(), "c and d are members still");
    reach.keepListed(List.of("d"));
    assertFalse(reach.settled(), "d is listed and never answered");
    reach.letOff("d");
    assertTrue(reach.settled());

    PublishReach owing = reaching("b");
    owing.fromNode("b", 2);
    owing.keepListed(List.of());
    assertFalse(owing.settled(), "a node that answered stays owing until it has passed it or left");
    owing.keepMembers(Set.of("b"));
    assertFalse(owing.settled());
    owing.keepMembers(Set.of());
    assertTrue(owing.settled());
  }
}
