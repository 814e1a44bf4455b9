package io.conduit.cli.call;

import io.conduit.cli.ConnectOptions;
import io.conduit.client.ClientOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.client.Reply;
import io.conduit.codec.ErrorCode;
import io.conduit.codec.cbp.Headers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code conduit call}: one request (or send, or publish) to an event-bus address through the bridge. */
@Command(name = "call",
    header = "Send one request to an event-bus address through a bridge and print the reply.",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Send one request to an event-bus address through a Conduit bridge and print the reply.",
        "Failures print 'ERROR <CODE>: <message>' on stderr and exit 1; bad arguments exit 2."})
public final class CallCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "ADDRESS", description = "Event-bus address, e.g. echo.")
  String address;

  @Parameters(index = "1", arity = "0..1", paramLabel = "JSON",
      description = "Request body as JSON (e.g. '{\"op\":\"get\"}'), or - to read it from stdin. Default: null.")
  String json;

  @Option(names = {"-e", "--endpoint"}, paramLabel = "ENDPOINT", description = "Bridge endpoint. Default: ${DEFAULT-VALUE}.")
  String endpoint = "tcp://127.0.0.1:5555";

  @Option(names = "--timeout", paramLabel = "MS", description = "Reply timeout in milliseconds. Default: ${DEFAULT-VALUE}.")
  long timeoutMs = 30_000;

  @Option(names = {"-H", "--header"}, paramLabel = "KEY=VALUE", description = "Event-bus message header (repeatable).")
  List<String> headers = new ArrayList<>();

  @ArgGroup(exclusive = true)
  Mode mode;

  @Option(names = "--raw", description = "Print the reply as it came: compact JSON, strings without quotes.")
  boolean raw;

  @Mixin
  ConnectOptions connection;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Spec
  CommandSpec spec;

  static final class Mode {
    @Option(names = "--send", description = "Point-to-point send: no reply, only the bridge's acknowledgement.")
    boolean send;

    @Option(names = "--publish", description = "Publish to every consumer of the address.")
    boolean publish;
  }

  @Override
  public Integer call() {
    Object body = body();
    Map<String, String> headerMap = headerMap();
    if (timeoutMs < 1) {
      throw new ParameterException(spec.commandLine(), "--timeout must be at least 1 ms, got " + timeoutMs);
    }
    ClientOptions options = connection.apply(ClientOptions.defaults().withTimeout(Duration.ofMillis(timeoutMs)));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ConduitClient client = ConduitClient.connect(endpoint, options)) {
      if (mode != null) {
        await(mode.send ? client.send(address, body, headerMap) : client.publish(address, body, headerMap));
        out.println("OK");
      } else {
        Reply reply = await(client.requestReply(address, body, headerMap, Duration.ofMillis(timeoutMs)));
        print(reply, out);
      }
      out.flush();
      return 0;
    } catch (ConduitException e) {
      err.println("ERROR " + e.code() + ": " + e.getMessage());
      err.flush();
      return 1;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private Object body() {
    if (json == null) {
      return null;
    }
    String text = json;
    if (json.equals("-")) {
      try {
        text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "could not read the body from stdin: " + e.getMessage());
      }
    }
    try {
      return Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new ParameterException(spec.commandLine(), "the JSON argument does not parse: " + firstLine(e.getMessage())
          + " (quote it for the shell, e.g. '{\"key\": \"value\"}')");
    }
  }

  private Map<String, String> headerMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String h : headers) {
      int eq = h.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(spec.commandLine(), "header '" + h + "' must be KEY=VALUE");
      }
      map.put(h.substring(0, eq), h.substring(eq + 1));
    }
    return map;
  }

  private void print(Reply reply, PrintWriter out) {
    Object body = reply.body();
    if (body instanceof Buffer b) {
      out.flush();
      System.out.write(b.getBytes(), 0, b.length());
      System.out.flush();
    } else if (body instanceof String s && (raw || Headers.TEXT.equals(reply.contentType()))) {
      out.println(s);
    } else if (!raw && body instanceof JsonObject o) {
      out.println(o.encodePrettily());
    } else if (!raw && body instanceof JsonArray a) {
      out.println(a.encodePrettily());
    } else {
      out.println(Json.encode(body));
    }
  }

  private <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConduitException c) {
        throw c;
      }
      throw new ConduitException(ErrorCode.INTERNAL, String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      throw new ConduitException(ErrorCode.TIMEOUT, "no reply within " + timeoutMs + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConduitException(ErrorCode.UNAVAILABLE, "interrupted");
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid JSON";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
