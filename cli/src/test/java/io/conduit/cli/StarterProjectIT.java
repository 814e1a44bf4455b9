package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.cluster.TestClusters;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The starter in {@code examples/starter}: a Maven project of its own, depending on Conduit by
 * coordinates (installed by this build's {@code mvn install}), built as its README says and run by
 * {@code conduit serve} from its deployment file with its jar on {@code --classpath}; its service
 * answers through the bridge and its task handler runs.
 */
class StarterProjectIT {

  @TempDir
  Path dir;

  @Test
  void theStarterBuildsByCoordinatesAndServesItsServiceAndTask() throws Exception {
    Path project = dir.resolve("starter");
    copy(ExamplesDir.examples().resolve("starter"), project);
    Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-o", "package").directory(project.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("mvn.log").toFile()).start();
    try {
      assertTrue(mvn.waitFor(240, TimeUnit.SECONDS), "the starter's build did not end in 240 s");
    } finally {
      mvn.destroyForcibly();
    }
    assertEquals(0, mvn.exitValue(), Files.readString(dir.resolve("mvn.log")));
    Path jar = project.resolve("target/conduit-starter-1.0.0.jar");
    assertTrue(Files.isRegularFile(jar), "no " + jar);

    String bridge = "tcp://127.0.0.1:" + TestClusters.freePort();
    String deployment = Files.readString(project.resolve("deployment.json"))
        .replace("tcp://127.0.0.1:5555", bridge).replace("tcp://127.0.0.1:5556", "");
    Files.writeString(project.resolve("deployment.json"), deployment);
    try (ConduitProcess node = ConduitProcess.start(dir, "starter", "serve", "-c",
        project.resolve("deployment.json").toString(), "--classpath", jar.toString(), "--data",
        dir.resolve("data").toString())) {
      node.awaitOutput("Ready", Duration.ofSeconds(90));
      try (ConduitClient client = ConduitClient.connect(bridge)) {
        assertEquals(new JsonObject().put("greeting", "Hello, Ada!"), client.requestSync("greeter",
            new JsonObject().put("op", "greet").put("name", "Ada"), Duration.ofSeconds(10)));
        ConduitException noName = assertThrows(ConduitException.class, () -> client.requestSync("greeter",
            new JsonObject().put("op", "greet"), Duration.ofSeconds(10)));
        assertTrue(noName.getMessage().contains("greet needs a 'name'"), noName.getMessage());

        JsonObject status = TaskResults.run(client, "tasks", "wordcount", new JsonObject().put("text", "to be or not"));
        assertEquals(new JsonObject().put("words", 4), status.getValue("result"), status.encode());
      }
    }
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.filter(p -> !p.toString().contains("/target")).toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
