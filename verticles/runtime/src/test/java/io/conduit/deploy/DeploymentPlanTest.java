package io.conduit.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeploymentPlanTest {

  private static DeploymentPlan parse(String json) {
    return DeploymentPlan.parse(json, "d.json");
  }

  private static String error(String json) {
    return assertThrows(DeploymentFileException.class, () -> parse(json)).getMessage();
  }

  @Test
  void aFullServiceIsRead() {
    DeploymentPlan plan = parse("""
        {"services": [{"name": "echo", "verticle": "a.B", "instances": 3, "threading": "worker",
                       "config": {"address": "e"}}]}""");
    ServiceSpec s = plan.services().get(0);
    assertEquals("echo", s.name());
    assertEquals("a.B", s.verticle());
    assertEquals(Instances.fixed(3), s.instances());
    assertEquals(Threading.WORKER, s.threading());
    assertEquals("e", s.config().getString("address"));
    assertEquals(3, s.deploymentOptions().getInstances());
  }

  @Test
  void defaultsAreOneEventLoopInstanceAndEmptyConfig() {
    ServiceSpec s = parse("{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\"}]}").services().get(0);
    assertEquals(Instances.fixed(1), s.instances());
    assertEquals(Threading.EVENT_LOOP, s.threading());
    assertTrue(s.config().isEmpty());
  }

  @Test
  void instancesMayBeARangeForTheScaler() {
    ServiceSpec s = parse("{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\", \"instances\": {\"min\": 1, \"max\": 4}}]}")
        .services().get(0);
    assertEquals(new Instances(1, 4), s.instances());
    assertEquals(1, s.deploymentOptions().getInstances());
  }

  @Test
  void invalidJsonIsReportedWithTheFileName() {
    assertTrue(error("{\"services\": [").startsWith("d.json: not a JSON object"));
  }

  @Test
  void missingOrEmptyServicesIsRefused() {
    assertEquals("d.json: services: must be a non-empty array of services", error("{}"));
    assertEquals("d.json: services: must be a non-empty array of services", error("{\"services\": []}"));
  }

  @Test
  void anUnknownFieldIsNamedWithTheExpectedOnes() {
    String e = error("{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\", \"instance\": 2}]}");
    assertTrue(e.startsWith("d.json: services[0].instance: unknown field"), e);
    assertTrue(e.contains("instances"), e);
  }

  @Test
  void theAddressesTheNodeServesItselfAreReservedUnlessAServiceAdmitsExternalWorkers() {
    DeploymentPlan plan = parse("""
        {"services": [{"name": "docs", "verticle": "a.Docs", "config": {"address": "docs"}},
                      {"name": "upper", "verticle": "a.Upper", "config": {"address": "py.upper"}, "externalWorkers": true},
                      {"name": "web", "verticle": "a.Web"}],
         "pipelines": [{"name": "wc", "stages": [{"verticle": "a.Split"}]}]}""");
    assertTrue(plan.service("upper").externalWorkers());
    assertEquals(java.util.List.of("docs", "web", "pipeline.wc.1", "pipeline.wc"), plan.reservedAddresses(),
        "a service's config address, else its name (a pipeline's entry answers on its name)");
    assertEquals("d.json: services[0].externalWorkers: must be true or false, got yes",
        error("{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\", \"externalWorkers\": \"yes\"}]}"));
  }

  @Test
  void aMissingVerticleIsNamed() {
    assertEquals("d.json: services[0].verticle: required, a non-empty string", error("{\"services\": [{\"name\": \"x\"}]}"));
  }

  @Test
  void badInstancesAreExplained() {
    assertTrue(error("{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\", \"instances\": 0}]}")
        .startsWith("d.json: services[0].instances: min must be at least 1"));
    assertTrue(error("{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\", \"instances\": \"two\"}]}")
        .contains("must be a whole number or {\"min\": m, \"max\": n}"));
    assertTrue(error("{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\", \"instances\": {\"min\": 3, \"max\": 2}}]}")
        .contains("max (2) must not be below min (3)"));
  }

  @Test
  void anUnknownThreadingModelListsTheAcceptedOnes() {
    String e = error("{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\", \"threading\": \"fibers\"}]}");
    assertEquals("d.json: services[0].threading: must be one of 'event-loop', 'worker', 'virtual', got 'fibers'", e);
  }

  @Test
  void virtualThreadsAreRefusedBelowJava21AndAcceptedFrom21() {
    String json = "{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\", \"threading\": \"virtual\"}]}";
    if (Runtime.version().feature() < 21) {
      assertTrue(error(json).contains("threading 'virtual' needs Java 21 or newer"), error(json));
    } else {
      assertEquals(Threading.VIRTUAL, parse(json).services().get(0).threading());
    }
  }

  @Test
  void duplicateNamesAreRefused() {
    assertEquals("d.json: services[1].name: 'x' is used twice",
        error("{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\"}, {\"name\": \"x\", \"verticle\": \"a.C\"}]}"));
  }

  @Test
  void namesMustBeSimple() {
    assertTrue(error("{\"services\": [{\"name\": \"a b\", \"verticle\": \"a.B\"}]}").contains("must start with a letter"));
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path f = dir.resolve("none.json");
    assertEquals(f + ": no such file", assertThrows(DeploymentFileException.class, () -> DeploymentPlan.read(f)).getMessage());
  }

  @Test
  void aFileIsReadFromDisk(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("d.json");
    Files.writeString(f, "{\"services\": [{\"name\": \"x\", \"verticle\": \"a.B\"}]}");
    assertEquals("x", DeploymentPlan.read(f).services().get(0).name());
  }
}
