package io.conduit.cli;

import io.conduit.client.ConduitClient;
import io.conduit.cluster.TestClusters;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's own code in {@code conduit serve}: a verticle and a web API extension with its console
 * panel compiled into a class folder given with {@code --classpath}, and a task handler in a jar in
 * {@code lib/} beside the deployment file,
 * named by the deployment file, served through the bridge by a real node; and a class that is
 * nowhere is one line naming it and where it was looked for.
 */
class UserClasspathIT {

  private static final String GREETER = """
      package acme;
      public class GreeterVerticle extends io.vertx.core.VerticleBase {
        @Override
        public io.vertx.core.Future<?> start() {
          return vertx.eventBus().consumer(config().getString("address"), m -> m.reply("hello " + m.body()))
              .completion();
        }
      }
      """;
  private static final String SHOUT = """
      package acme;
      public class ShoutTask implements io.conduit.task.TaskHandler {
        @Override
        public Object run(io.vertx.core.json.JsonObject args, io.conduit.task.TaskContext context) {
          return args.getString("text").toUpperCase();
        }
      }
      """;

  private static final String STOCK = """
      package acme;
      public class StockApi implements io.conduit.web.ApiExtension {
        @Override
        public void mount(io.vertx.core.Vertx vertx, io.vertx.ext.web.Router api) {
          api.get("/stock").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("apples", 7)));
        }
        @Override
        public java.util.List<io.conduit.web.ConsoleView> views() {
          return java.util.List.of(io.conduit.web.ConsoleView.json("stock", "Stock", "stock", 2000));
        }
      }
      """;

  @TempDir
  Path dir;

  /** Compiles one source file into {@code out} against the test's classpath (Conduit's modules). */
  private void compile(String className, String source, Path out) throws Exception {
    Path src = dir.resolve("src").resolve(className.replace('.', '/') + ".java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null, "-classpath", System.getProperty("java.class.path"), "-d",
        out.toString(), src.toString());
    assertEquals(0, status, "javac " + className);
  }

  private static void jar(Path classes, String entry, Path jar) throws Exception {
    Files.createDirectories(jar.getParent());
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry(entry));
      out.write(Files.readAllBytes(classes.resolve(entry)));
      out.closeEntry();
    }
  }

  private String deployment(String bridge, String verticle) {
    return "{\"services\": [{\"name\": \"bridge\", \"verticle\": \"io.conduit.bridge.ZmqBridgeVerticle\", \"config\": "
        + "{\"endpoint\": \"" + bridge + "\", \"eventsEndpoint\": \"\"}},"
        + "{\"name\": \"web\", \"verticle\": \"io.conduit.web.WebVerticle\", \"config\": {}},"
        + "{\"name\": \"greeter\", \"verticle\": \"" + verticle + "\", \"config\": {\"address\": \"greet\"}},"
        + "{\"name\": \"tasks\", \"verticle\": \"io.conduit.task.TaskQueueVerticle\", \"config\": {\"address\": "
        + "\"tasks\", \"handlers\": {\"shout\": \"acme.ShoutTask\"}}}]}";
  }

  private static String get(int port, String path) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return r.body();
  }

  @Test
  void aVerticleOnTheClasspathAndATaskHandlerInLibAreServed() throws Exception {
    Path classes = dir.resolve("classes");
    compile("acme.GreeterVerticle", GREETER, classes);
    // a REST route and a console panel of the user's own, found as Conduit's own extensions are
    compile("acme.StockApi", STOCK, classes);
    Files.createDirectories(classes.resolve("META-INF/services"));
    Files.writeString(classes.resolve("META-INF/services/io.conduit.web.ApiExtension"), "acme.StockApi\n");
    Path handlerClasses = dir.resolve("handler-classes");
    compile("acme.ShoutTask", SHOUT, handlerClasses);
    Path app = dir.resolve("app");
    jar(handlerClasses, "acme/ShoutTask.class", app.resolve("lib").resolve("shout.jar"));
    String bridge = "tcp://127.0.0.1:" + TestClusters.freePort();
    Path file = app.resolve("deployment.json");
    Files.writeString(file, deployment(bridge, "acme.GreeterVerticle"));

    int web = TestClusters.freePort();
    try (ConduitProcess node = ConduitProcess.start(dir, "node", "serve", "-c", file.toString(), "--classpath",
        classes.toString(), "--data", dir.resolve("data").toString(), "--web", "127.0.0.1:" + web)) {
      node.awaitOutput("Ready", Duration.ofSeconds(90));
      try (ConduitClient client = ConduitClient.connect(bridge)) {
        assertEquals("hello world", client.requestSync("greet", "world", Duration.ofSeconds(10)));
        JsonObject status = TaskResults.run(client, "tasks", "shout", new JsonObject().put("text", "hi"));
        assertEquals("HI", status.getValue("result"), status.encode());
      }
      JsonObject views = new JsonObject(get(web, "/api/views"));
      assertEquals(new JsonObject().put("id", "stock").put("title", "Stock").put("path", "stock")
          .put("renderer", "json").put("refreshMs", 2000), views.getJsonArray("views").getJsonObject(2), views.encode());
      assertEquals(7, new JsonObject(get(web, "/api/stock")).getInteger("apples"));
    }
  }

  @Test
  void aVerticleClassThatIsNowhereIsOneLineNamingWhereItWasLooked() throws Exception {
    Path app = dir.resolve("app");
    Files.createDirectories(app.resolve("lib"));
    Path file = app.resolve("deployment.json");
    Files.writeString(file, deployment("tcp://127.0.0.1:" + TestClusters.freePort(), "acme.Missing"));
    ConduitProcess node = ConduitProcess.run(dir, "missing", "serve", "-c", file.toString(), "--data",
        dir.resolve("data2").toString());
    assertEquals(1, node.exitCode(), node.stdout() + node.stderr());
    assertTrue(node.stderr().contains("service 'greeter': verticle class acme.Missing is not on the classpath "
        + "(searched Conduit's jar and no classpath of yours"), node.stderr());

    ConduitProcess badPath = ConduitProcess.run(dir, "badpath", "serve", "-c", file.toString(), "--classpath",
        dir.resolve("nowhere").toString());
    assertTrue(badPath.exitCode() != 0, badPath.stderr());
    assertTrue(badPath.stderr().contains("--classpath: classpath entry " + dir.resolve("nowhere") + " does not exist"),
        badPath.stderr());
  }
}
