package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.cluster.TestClusters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The language-neutral conformance cases ({@code client/conformance/cases.json}) through the JVM
 * client against a real {@code conduit serve}: the Python package runs the same file
 * ({@code client/python/tests/test_conformance.py}), so the two clients cannot drift apart.
 */
class ConformanceIT {

  @TempDir
  static Path dir;
  private static ConduitProcess node;
  private static ConduitClient client;

  @BeforeAll
  static void start() throws Exception {
    String bridge = "tcp://127.0.0.1:" + TestClusters.freePort();
    node = ConduitProcess.start(dir, "node", "serve", "-a", bridge, "--events", "none", "-b", "memory",
        "--data", dir.resolve("data").toString(), "--web", "127.0.0.1:" + TestClusters.freePort());
    node.awaitOutput("Ready", Duration.ofSeconds(90));
    client = ConduitClient.connect(bridge);
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @TestFactory
  List<DynamicTest> everyCase() throws Exception {
    Path file = ExamplesDir.examples().getParent().resolve("client").resolve("conformance").resolve("cases.json");
    JsonArray cases = new JsonObject(Files.readString(file)).getJsonArray("cases");
    return cases.stream().map(JsonObject.class::cast)
        .map(c -> DynamicTest.dynamicTest(c.getString("name"), () -> run(c))).toList();
  }

  private static void run(JsonObject conformanceCase) throws Exception {
    String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    JsonArray steps = (JsonArray) substitute(conformanceCase.getJsonArray("steps"), unique);
    for (int i = 0; i < steps.size(); i++) {
      JsonObject request = steps.getJsonObject(i).getJsonObject("request");
      JsonObject expect = steps.getJsonObject(i).getJsonObject("expect");
      String where = "step " + i + " of '" + conformanceCase.getString("name") + "'";
      Object body = request.containsKey("bodyBase64")
          ? Buffer.buffer(Base64.getDecoder().decode(request.getString("bodyBase64"))) : request.getValue("body");
      Duration timeout = request.containsKey("timeout")
          ? Duration.ofMillis(Math.round(request.getDouble("timeout") * 1000)) : Duration.ofSeconds(10);
      Object value;
      try {
        value = client.requestSync(request.getString("address"), body, timeout);
      } catch (ConduitException e) {
        if (!expect.containsKey("error")) {
          fail(where + " failed: " + e.code() + ": " + e.getMessage());
        }
        JsonObject error = expect.getJsonObject("error");
        assertEquals(error.getString("code"), e.code().name(), where + ": " + e.getMessage());
        if (error.containsKey("status")) {
          assertEquals(error.getInteger("status"), e.details().getInteger("failureCode"), where + ": " + e.getMessage());
        }
        continue;
      }
      assertTrue(!expect.containsKey("error"), where + ": expected " + expect.getValue("error") + ", got " + value);
      if (expect.containsKey("value")) {
        assertEquals(expect.getValue("value"), value, where);
      }
      if (expect.containsKey("valueBase64")) {
        assertEquals(Buffer.buffer(Base64.getDecoder().decode(expect.getString("valueBase64"))), value, where);
      }
      if (expect.containsKey("contains")) {
        assertTrue(contains(value, expect.getValue("contains")), where + ": " + value + " does not contain "
            + expect.getValue("contains"));
      }
    }
  }

  private static Object substitute(Object value, String unique) {
    if (value instanceof String s) {
      return s.replace("${run}", unique);
    }
    if (value instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(v -> out.add(substitute(v, unique)));
      return out;
    }
    if (value instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, Object> e : o) {
        out.put(e.getKey(), substitute(e.getValue(), unique));
      }
      return out;
    }
    return value;
  }

  private static boolean contains(Object actual, Object expected) {
    if (expected instanceof JsonObject e) {
      if (!(actual instanceof JsonObject a)) {
        return false;
      }
      for (Map.Entry<String, Object> field : e) {
        if (!a.containsKey(field.getKey()) || !contains(a.getValue(field.getKey()), field.getValue())) {
          return false;
        }
      }
      return true;
    }
    return java.util.Objects.equals(actual, expected) || (actual instanceof Number x && expected instanceof Number y
        && x.doubleValue() == y.doubleValue());
  }
}
