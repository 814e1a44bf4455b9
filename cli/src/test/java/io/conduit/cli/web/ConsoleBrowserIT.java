package io.conduit.cli.web;

import io.conduit.cli.ConduitProcess;
import io.conduit.cluster.TestClusters;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser against a real {@code conduit serve}: headless Chromium (Debian's
 * {@code chromium} and {@code chromium-driver}, installed by {@code .ci/run}) opens the page, sees
 * the service list, scales the echo service from the page and sees the instance count change; the
 * node agrees over REST. Saves {@code target/console.png}.
 */
class ConsoleBrowserIT {

  @TempDir
  Path dir;

  @Test
  void scalingFromTheConsoleChangesTheInstanceCount() throws Exception {
    int webPort = TestClusters.freePort();
    String base = "http://127.0.0.1:" + webPort + "/";
    try (ConduitProcess node = ConduitProcess.start(dir, "serve", "serve", "--data", dir.resolve("data").toString(),
        "-a", "tcp://127.0.0.1:" + TestClusters.freePort(), "--events", "tcp://127.0.0.1:" + TestClusters.freePort(),
        "--web", "127.0.0.1:" + webPort)) {
      node.awaitOutput("Ready", Duration.ofSeconds(90));
      WebDriver browser = chromium();
      try {
        browser.get(base);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        WebElement echo = wait.until(b -> b.findElement(By.cssSelector("tr[data-service='echo']")));
        assertTrue(browser.findElement(By.cssSelector("tr[data-service='docs']")).isDisplayed(), "docs is listed");
        // a store shows its role where other services have a Scale button
        wait.until(b -> b.findElement(By.cssSelector("tr[data-service='docs'] .roles")).getText().contains("owner · epoch"));
        assertTrue(!browser.findElement(By.cssSelector("tr[data-service='docs'] .scale-button")).isDisplayed(),
            "no Scale button for a store");
        assertEquals("1", echoInstances(browser));
        wait.until(b -> !b.findElements(By.cssSelector("#nodes .card")).isEmpty());
        // the panels the node's capabilities register (GET /api/views), each drawn from its own API
        wait.until(b -> b.findElement(By.id("view-bridge")).getText().contains("connected"));
        wait.until(b -> b.findElement(By.id("view-tasks")).getText().contains("No tasks."));

        WebElement input = echo.findElement(By.cssSelector(".scale-input"));
        input.clear();
        input.sendKeys("3");
        echo.findElement(By.cssSelector(".scale-button")).click();

        wait.until(b -> "3".equals(echoInstances(b)));
        assertEquals(3, echoInstancesOverRest(base));

        // Some traffic for the charts, then the document store's log tail (its recovery line).
        callEcho(base, 300);
        browser.findElement(By.cssSelector("tr[data-service='docs'] .logs-button")).click();
        wait.until(b -> b.findElement(By.id("logs")).getText().contains("document store 'docs'"));
        // The next live update (SSE, every 2 s) must agree with the page rather than undo it.
        wait.until(b -> b.findElement(By.cssSelector("#live")).getAttribute("class").contains("on"));
        screenshot(browser);
        assertEquals("3", echoInstances(browser));
      } finally {
        browser.quit();
      }
    }
  }

  private static void callEcho(String base, int times) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < times; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "api/call/echo"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("\"hello " + i + "\""))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
  }

  /** Read in one script call: live updates may replace the cell between a find and a read. */
  private static String echoInstances(WebDriver browser) {
    Object text = ((JavascriptExecutor) browser).executeScript(
        "const e = document.querySelector(\"tr[data-service='echo'] .instances-now\"); return e ? e.textContent.trim() : null;");
    return (String) text;
  }

  private static int echoInstancesOverRest(String base) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/services")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    for (Object n : new JsonObject(r.body()).getJsonArray("nodes")) {
      for (Object s : ((JsonObject) n).getJsonArray("services")) {
        JsonObject service = (JsonObject) s;
        if (service.getString("name").equals("echo")) {
          return service.getJsonObject("instances").getInteger("now");
        }
      }
    }
    throw new AssertionError("echo is not listed: " + r.body());
  }

  /** Headless Chromium: no sandbox (containers), no background networking, the distribution's driver. */
  private static WebDriver chromium() {
    String driver = System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
    String binary = System.getProperty("conduit.chromium", "/usr/bin/chromium");
    if (!new File(driver).canExecute() || !new File(binary).canExecute()) {
      throw new IllegalStateException("the browser test needs Debian's chromium and chromium-driver ("
          + binary + ", " + driver + "): run .ci/run or apt-get install chromium chromium-driver");
    }
    ChromeOptions options = new ChromeOptions().setBinary(binary).addArguments("--headless=new", "--no-sandbox",
        "--disable-background-networking", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,1000");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver))
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private static void screenshot(WebDriver browser) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", "console.png");
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }
}
