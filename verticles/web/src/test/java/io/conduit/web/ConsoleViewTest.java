package io.conduit.web;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A console panel's description is checked where a capability makes it, with a message naming the field. */
class ConsoleViewTest {

  @Test
  void aViewDescribesItselfAsJson() {
    JsonObject json = new ConsoleView("tasks", "Tasks", "tasks?newest=true&limit=20", "tasks", 3000).toJson();
    assertEquals(new JsonObject().put("id", "tasks").put("title", "Tasks").put("path", "tasks?newest=true&limit=20")
        .put("renderer", "tasks").put("refreshMs", 3000L), json);
    assertEquals("json", ConsoleView.json("stock", "Stock", "stock/levels", 1000).renderer());
  }

  @Test
  void badViewsAreRefusedNamingWhatIsWrong() {
    assertRefused("id is 1-40 lower-case", () -> ConsoleView.json("Tasks!", "Tasks", "tasks", 1000));
    assertRefused("id is 1-40 lower-case", () -> ConsoleView.json(null, "Tasks", "tasks", 1000));
    assertRefused("needs a title", () -> ConsoleView.json("t", " ", "tasks", 1000));
    assertRefused("without the leading slash", () -> ConsoleView.json("t", "T", "/api/tasks", 1000));
    assertRefused("without the leading slash", () -> ConsoleView.json("t", "T", "../admin", 1000));
    assertRefused("without the leading slash", () -> ConsoleView.json("t", "T", "http://elsewhere/x", 1000));
    assertRefused("drawn as 'tasks', 'bridge' or 'json'", () -> new ConsoleView("t", "T", "t", "html", 1000));
    assertRefused("500-600000 ms", () -> ConsoleView.json("t", "T", "t", 10));
    assertRefused("500-600000 ms", () -> ConsoleView.json("t", "T", "t", 3_600_000));
  }

  private static void assertRefused(String expected, Runnable make) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
