package io.conduit.deploy;

import io.conduit.pipeline.PipelineVerticle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The {@code pipelines} section of a deployment file, and the services it becomes. */
class DeploymentPlanPipelinesTest {

  private static DeploymentPlan parse(String json) {
    return DeploymentPlan.parse(json, "d.json");
  }

  private static String error(String json) {
    return assertThrows(DeploymentFileException.class, () -> parse(json)).getMessage();
  }

  @Test
  void aPipelineBecomesOneServicePerStageThenItsEntry() {
    DeploymentPlan plan = parse("""
        {"services": [{"name": "echo", "verticle": "a.Echo"}],
         "pipelines": [{"name": "wc", "maxInFlight": 500, "stages": [
           {"name": "split", "verticle": "a.Split", "instances": 2, "threading": "worker", "config": {"x": 1}},
           {"verticle": "a.b.Count", "config": {"address": "counter"}}]}]}""");
    assertEquals(List.of("echo", "pipeline.wc.1", "pipeline.wc.2", "pipeline.wc"),
        plan.services().stream().map(ServiceSpec::name).toList());
    ServiceSpec split = plan.service("pipeline.wc.1");
    assertEquals("a.Split", split.verticle());
    assertEquals(Instances.fixed(2), split.instances());
    assertEquals(Threading.WORKER, split.threading());
    assertEquals(new JsonObject().put("x", 1).put("address", "pipeline.wc.1"), split.config());
    assertEquals("counter", plan.service("pipeline.wc.2").config().getString("address"));
    ServiceSpec entry = plan.service("pipeline.wc");
    assertEquals(PipelineVerticle.class.getName(), entry.verticle());
    assertEquals(new JsonObject().put("name", "wc")
        .put("stages", new JsonArray()
            .add(new JsonObject().put("name", "split").put("address", "pipeline.wc.1"))
            .add(new JsonObject().put("name", "Count").put("address", "counter")))
        .put("maxInFlight", 500).put("stageTimeoutMs", 30000L), entry.config());
  }

  @Test
  void entryInstancesShareTheInFlightBound() {
    ServiceSpec entry = parse("""
        {"pipelines": [{"name": "p", "maxInFlight": 2, "entryInstances": 3, "stages": [{"verticle": "a.B"}]}]}""")
        .service("pipeline.p");
    assertEquals(Instances.fixed(3), entry.instances());
    // the instances count their jobs together (PipelineVerticle), so each is given the whole bound
    assertEquals(2, entry.config().getInteger("maxInFlight"));
  }

  @Test
  void aFileWithOnlyPipelinesIsValidButOneWithNeitherIsNot() {
    assertEquals(2, parse("{\"pipelines\": [{\"name\": \"p\", \"stages\": [{\"verticle\": \"a.B\"}]}]}").services().size());
    assertEquals("d.json: services: must be a non-empty array of services", error("{\"pipelines\": []}"));
  }

  @Test
  void invalidPipelinesAreNamedWithTheirField() {
    assertEquals("d.json: pipelines: must be an array of pipelines", error("{\"pipelines\": {}}"));
    assertEquals("d.json: pipelines[0].name: required, a non-empty string",
        error("{\"pipelines\": [{\"stages\": [{\"verticle\": \"a.B\"}]}]}"));
    assertEquals("d.json: pipelines[0].name: 'a.b' must start with a letter and hold only letters, digits, '_' or '-' "
        + "(40 at most)", error("{\"pipelines\": [{\"name\": \"a.b\", \"stages\": [{\"verticle\": \"a.B\"}]}]}"));
    assertEquals("d.json: pipelines[0].stages: must be a non-empty array of stages ({\"verticle\": ..., "
        + "\"instances\": ..., \"config\": {...}})", error("{\"pipelines\": [{\"name\": \"p\", \"stages\": []}]}"));
    assertEquals("d.json: pipelines[0].stages[1].verticle: required, a non-empty string",
        error("{\"pipelines\": [{\"name\": \"p\", \"stages\": [{\"verticle\": \"a.B\"}, {\"config\": {}}]}]}"));
    assertEquals("d.json: pipelines[0].stages[0].color: unknown field (expected one of config, externalWorkers, "
        + "instances, name, scaling, threading, verticle, workers)", error("{\"pipelines\": [{\"name\": \"p\", \"stages\": [{\"verticle\": \"a.B\", "
        + "\"color\": 1}]}]}"));
    assertEquals("d.json: pipelines[0].stages[0].instances: must be a whole number or {\"min\": m, \"max\": n}, got x",
        error("{\"pipelines\": [{\"name\": \"p\", \"stages\": [{\"verticle\": \"a.B\", \"instances\": \"x\"}]}]}"));
    assertEquals("d.json: pipelines[0]: pipeline 'p': 'maxInFlight' must be a whole number from 1 to 2147483647, got 0",
        error("{\"pipelines\": [{\"name\": \"p\", \"maxInFlight\": 0, \"stages\": [{\"verticle\": \"a.B\"}]}]}"));
    assertEquals("d.json: pipelines[0].entryInstances: must be a whole number from 1 to 64, got 0",
        error("{\"pipelines\": [{\"name\": \"p\", \"entryInstances\": 0, \"stages\": [{\"verticle\": \"a.B\"}]}]}"));
    assertEquals("d.json: pipelines[0].speed: unknown field (expected one of entryInstances, maxInFlight, name, "
        + "stageTimeoutMs, stages)", error("{\"pipelines\": [{\"name\": \"p\", \"speed\": 1, \"stages\": [{\"verticle\": \"a.B\"}]}]}"));
  }

  @Test
  void aPipelineNameUsedTwiceIsRefused() {
    assertEquals("d.json: pipelines[1]: its service 'pipeline.p.1' is also declared elsewhere (pipeline names must be "
        + "unique)", error("""
        {"pipelines": [{"name": "p", "stages": [{"verticle": "a.B"}]}, {"name": "p", "stages": [{"verticle": "a.B"}]}]}"""));
  }

  @Test
  void aStageDoneByExternalWorkersIsAWorkersStageAskingTheirService() {
    DeploymentPlan plan = parse("""
        {"pipelines": [{"name": "py", "stageTimeoutMs": 4000, "stages": [
           {"verticle": "a.Split"},
           {"name": "upper", "workers": "py.upper", "instances": 2}]}]}""");
    ServiceSpec stage = plan.service("pipeline.py.2");
    assertEquals(io.conduit.pipeline.WorkersStage.class.getName(), stage.verticle());
    assertEquals(Instances.fixed(2), stage.instances());
    assertEquals(new JsonObject().put("workers", "py.upper").put("address", "pipeline.py.2").put("timeoutMs", 4000L),
        stage.config());
    assertEquals(new JsonObject().put("name", "upper").put("address", "pipeline.py.2"),
        plan.service("pipeline.py").config().getJsonArray("stages").getJsonObject(1));
    assertEquals("py.upper", parse("""
        {"pipelines": [{"name": "p", "stages": [{"workers": "py.upper"}]}]}""")
        .service("pipeline.p").config().getJsonArray("stages").getJsonObject(0).getString("name"),
        "named after its workers when unnamed");
    assertEquals(false, plan.reservedAddresses().contains("py.upper"), "the workers' service stays open to workers");
  }

  @Test
  void aStageCannotBeServedByWorkersAtItsOwnAddressAndAWorkersStageIsChecked() {
    String why = error("""
        {"pipelines": [{"name": "p", "stages": [{"verticle": "a.B", "externalWorkers": true}]}]}""");
    assertEquals("d.json: pipelines[0].stages[0].externalWorkers: a stage's jobs are passed on to the next stage, not "
        + "answered, so workers cannot serve a stage's address; to have external workers do a stage's work, give it "
        + "\"workers\": \"SERVICE\" (no verticle) and run the workers on SERVICE", why);
    assertEquals("d.json: pipelines[0].stages[0].verticle: not for a stage done by workers (\"workers\" names the "
        + "service that does its work)", error("""
        {"pipelines": [{"name": "p", "stages": [{"verticle": "a.B", "workers": "py.x"}]}]}"""));
    assertEquals("d.json: pipelines[0].stages[0].workers: 'conduit.x' is under 'conduit.', which workers cannot serve; "
        + "name a service of your own, such as 'py.upper'", error("""
        {"pipelines": [{"name": "p", "stages": [{"workers": "conduit.x"}]}]}"""));
    assertEquals("d.json: pipelines[0].stages[0].workers: required, a non-empty string", error("""
        {"pipelines": [{"name": "p", "stages": [{"workers": ""}]}]}"""));
    assertEquals("d.json: the pipeline stage pipeline.p.1 is to be done by the workers of 'docs', which is an address "
        + "this deployment serves itself; name an address of the workers' own (or give the service "
        + "\"externalWorkers\": true)", error("""
        {"services": [{"name": "docs", "verticle": "a.Docs"}],
         "pipelines": [{"name": "p", "stages": [{"workers": "docs"}]}]}"""));
    assertEquals("d.json: the pipeline stage pipeline.p.1 is to be done by the workers of 'docs.changes', which is "
        + "below 'docs', an address this deployment serves itself; name an address of the workers' own (or give "
        + "the service \"externalWorkers\": true)", error("""
        {"services": [{"name": "docs", "verticle": "a.Docs"}],
         "pipelines": [{"name": "p", "stages": [{"workers": "docs.changes"}]}]}"""));
  }

  @Test
  void theWorkersOfAStageMayBeAServiceOfTheDeploymentOpenToWorkers() {
    DeploymentPlan plan = parse("""
        {"services": [
           {"name": "upper", "config": {"address": "py.upper"},
            "process": {"command": ["python3", "-m", "conduit.worker", "upper:worker"]}},
           {"name": "exclaim", "verticle": "a.Exclaim", "externalWorkers": true, "config": {"address": "py.exclaim"}}],
         "pipelines": [{"name": "p", "stages": [
           {"workers": "py.upper", "externalWorkers": false}, {"workers": "py.exclaim"}]}]}""");
    assertEquals("py.upper", plan.service("pipeline.p.1").config().getString("workers"));
    assertEquals("py.exclaim", plan.service("pipeline.p.2").config().getString("workers"));
    // the stage's verticle declared as a service by hand, its config wrong: left to its own start
    // to refuse (with a sentence), not a stack trace here
    for (String config : List.of("{}", "{\"workers\": 5}")) {
      assertEquals(io.conduit.pipeline.WorkersStage.class.getName(), parse("""
          {"services": [{"name": "s", "verticle": "io.conduit.pipeline.WorkersStage", "config": %s}]}"""
          .formatted(config)).service("s").verticle());
    }
  }
}
