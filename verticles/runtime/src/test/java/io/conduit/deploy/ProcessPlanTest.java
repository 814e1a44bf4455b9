package io.conduit.deploy;

import io.conduit.process.ProcessVerticle;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deployment-file entries that run processes: what they become, and every refusal naming its field. */
class ProcessPlanTest {

  @TempDir
  Path dir;

  private static ServiceSpec only(String entry) {
    return DeploymentPlan.parse("{\"services\": [" + entry + "]}", "app.json").services().get(0);
  }

  private static void assertRefused(String entry, String expected) {
    DeploymentFileException e = assertThrows(DeploymentFileException.class, () -> only(entry));
    assertTrue(e.getMessage().startsWith("app.json: services[0]."), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void aProcessEntryIsAServiceOfProcessesOpenToItsWorkers() {
    ServiceSpec spec = only("{\"name\": \"upper\", \"instances\": {\"min\": 1, \"max\": 4}, "
        + "\"scaling\": {\"targetInFlight\": 2}, \"config\": {\"address\": \"py.upper\"}, "
        + "\"process\": {\"command\": [\"python3\", \"-m\", \"conduit.worker\", \"shop:worker\"], "
        + "\"env\": {\"PYTHONPATH\": \"src\"}, \"stopGraceMs\": 2000}}");
    assertEquals(ProcessVerticle.class.getName(), spec.verticle());
    assertEquals(new Instances(1, 4), spec.instances());
    assertEquals("py.upper", spec.ownAddress());
    assertTrue(spec.externalWorkers(), "the bridge lets the processes' workers serve the address");
    JsonObject process = spec.config().getJsonObject("process");
    assertEquals("src", process.getJsonObject("env").getString("PYTHONPATH"));
    assertEquals(2000L, process.getLong("stopGraceMs"));
    assertEquals(500L, process.getLong("readyAfterMs"));
    assertEquals("upper", spec.config().getString("service"));
  }

  @Test
  void theWorkingDirectoryIsTheDeploymentFilesFolderOrRelativeToIt() throws Exception {
    Path file = dir.resolve("app.json");
    Files.writeString(file, "{\"services\": [{\"name\": \"a\", \"process\": {\"command\": [\"true\"]}},"
        + "{\"name\": \"b\", \"process\": {\"command\": [\"true\"], \"cwd\": \"workers\"}},"
        + "{\"name\": \"c\", \"process\": {\"command\": [\"true\"], \"cwd\": \"/tmp\"}}]}");
    DeploymentPlan plan = DeploymentPlan.read(file);
    assertEquals(dir.toString(), plan.service("a").config().getJsonObject("process").getString("cwd"));
    assertEquals(dir.resolve("workers").toString(), plan.service("b").config().getJsonObject("process").getString("cwd"));
    assertEquals("/tmp", plan.service("c").config().getJsonObject("process").getString("cwd"));
  }

  @Test
  void badProcessEntriesAreRefusedNamingTheField() {
    assertRefused("{\"name\": \"p\", \"process\": {}}", "process.command: required, a non-empty list of strings");
    assertRefused("{\"name\": \"p\", \"process\": {\"command\": []}}", "process.command: required");
    assertRefused("{\"name\": \"p\", \"process\": {\"command\": \"python3 worker.py\"}}", "process.command: required");
    assertRefused("{\"name\": \"p\", \"process\": {\"command\": [\"python3\", 5]}}", "process.command[1]: must be a string");
    assertRefused("{\"name\": \"p\", \"process\": \"python3\"}", "process: must be an object");
    assertRefused("{\"name\": \"p\", \"process\": {\"command\": [\"x\"], \"env\": {\"A\": 1}}}", "process.env.A: must be a string");
    assertRefused("{\"name\": \"p\", \"process\": {\"command\": [\"x\"], \"cwd\": \"\"}}", "process.cwd: must be a non-empty string");
    assertRefused("{\"name\": \"p\", \"process\": {\"command\": [\"x\"], \"stopGraceMs\": -1}}",
        "process.stopGraceMs: must be a whole number of milliseconds from 0 to 600000");
    assertRefused("{\"name\": \"p\", \"process\": {\"command\": [\"x\"], \"shell\": true}}", "process.shell: unknown field");
    assertRefused("{\"name\": \"p\", \"verticle\": \"a.B\", \"process\": {\"command\": [\"x\"]}}",
        "verticle: not for a process service");
    assertRefused("{\"name\": \"p\", \"threading\": \"worker\", \"process\": {\"command\": [\"x\"]}}",
        "threading: not for a process service");
    assertRefused("{\"name\": \"p\", \"stateful\": true, \"process\": {\"command\": [\"x\"]}}",
        "stateful: not for a process service");
    assertRefused("{\"name\": \"p\", \"scaling\": {}, \"process\": {\"command\": [\"x\"]}}",
        "scaling: applies only to a service with an instance range");
  }
}
