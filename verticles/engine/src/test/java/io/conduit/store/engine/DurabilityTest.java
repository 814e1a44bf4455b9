package io.conduit.store.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurabilityTest {

  private static String error(String text) {
    return assertThrows(IllegalArgumentException.class, () -> Durability.parse(text)).getMessage();
  }

  @Test
  void theDefaultIsGroupCommitWithinTwoMilliseconds() {
    assertEquals(new Durability(Durability.Mode.GROUP, 2), Durability.DEFAULT);
    assertEquals(Durability.DEFAULT, Durability.parse("group"));
  }

  @Test
  void namedModesAreRead() {
    assertEquals(Durability.always(), Durability.parse("always"));
    assertEquals(Durability.none(), Durability.parse(" NONE "));
  }

  @Test
  void aGroupWindowIsReadWithOrWithoutMs() {
    assertEquals(Durability.group(5), Durability.parse("group:5ms"));
    assertEquals(Durability.group(5), Durability.parse("Group:5"));
    assertEquals(Durability.group(0), Durability.parse("group:0ms"));
  }

  @Test
  void theConfigFormReadsBack() {
    for (Durability d : new Durability[] {Durability.always(), Durability.group(7), Durability.none()}) {
      assertEquals(d, Durability.parse(d.toString()));
    }
  }

  @Test
  void anythingElseIsRefusedWithTheAcceptedForms() {
    String accepted = "is not one of: always, group, group:<N>ms (N = 0..1000), none";
    assertEquals("durability 'sometimes' " + accepted, error("sometimes"));
    assertEquals("durability 'group:5s' " + accepted, error("group:5s"));
    assertEquals("durability 'group:-1ms' " + accepted, error("group:-1ms"));
    assertEquals("durability 'group:5000ms' " + accepted, error("group:5000ms"));
    assertEquals("durability '' " + accepted, error(""));
    assertEquals("durability 'null' " + accepted, error(null));
  }

  @Test
  void onlyGroupCommitHasAWindow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Durability(Durability.Mode.ALWAYS, 5));
    assertEquals("only group commit has a window; ALWAYS takes 0 ms", e.getMessage());
  }

  @Test
  void describeSaysWhatItCosts() {
    assertEquals("fsync per batch", Durability.always().describe());
    assertEquals("group commit ≤ 2 ms", Durability.DEFAULT.describe());
  }
}
