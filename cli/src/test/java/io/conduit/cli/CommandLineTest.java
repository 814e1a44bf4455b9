package io.conduit.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code conduit} command itself: mistyped commands, unknown verticle classes, the command list. */
class CommandLineTest {

  @Test
  void aMistypedCommandSuggestsTheNearestAndExits2() {
    assertEquals(2, Conduit.run(new String[] {"srve"}));
    assertEquals("unknown command 'srve' (did you mean 'serve'?)", Conduit.notAVerticle("srve"));
    assertEquals("unknown command 'clinet' (did you mean 'client'?)", Conduit.notAVerticle("clinet"));
  }

  @Test
  void aWordNearNoCommandListsThem() {
    assertEquals("unknown command 'frobnicate'; the commands are serve, client, call, task, graph, bench, keygen, help "
        + "(see 'conduit help')", Conduit.notAVerticle("frobnicate"));
  }

  @Test
  void aVerticleClassNotOnTheClasspathIsOneLineNamingTheClasspath() {
    String refused = Conduit.notAVerticle("com.example.NoSuchVerticle");
    assertTrue(refused.startsWith("no verticle class 'com.example.NoSuchVerticle' on the classpath ("), refused);
    assertTrue(refused.contains(System.getProperty("java.class.path")), refused);
    assertEquals(2, Conduit.run(new String[] {"java:com.example.NoSuchVerticle"}));
  }

  @Test
  void aVerticleOnTheClasspathGoesToTheLauncher() {
    assertNull(Conduit.notAVerticle("io.conduit.web.WebVerticle"));
    assertNull(Conduit.notAVerticle("js:app.js")); // another verticle factory's name: the launcher's affair
  }

  @Test
  void helpListsEachCommandWithItsWholeSentence() {
    CliRun run = CliRun.of("help");
    assertEquals(0, run.exit(), run.err());
    for (String line : new String[] {
        "  serve   Start a Conduit node and serve the services of a deployment file (or the built-in one).",
        "  client  A pyzdb-style prompt on a document store: db['x'] = 3, db['l'].append(5), db.undo().",
        "  call    Send one request to an event-bus address through a bridge and print the reply.",
        "  task    Submit tasks to a task queue, follow their progress, list and cancel them.",
        "  bench   Measure a bridge: requests per second and latency percentiles of CBP/1 clients.",
        "  keygen  Generate a CURVE key pair (NAME.pub, NAME.key) for a bridge or a client."}) {
      assertTrue(run.out().lines().anyMatch(line::equals), "missing: " + line + "\n" + run.out());
    }
  }
}
