package io.conduit.cli;

import io.conduit.client.ClientOptions;
import io.conduit.client.ConduitClient;
import io.conduit.client.ConduitException;
import io.conduit.client.CurveKeys;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a command that connects to a bridge does so, the same for every such command: the bridge's
 * CURVE key, this client's own key (for a bridge that admits listed keys) and how long to wait for
 * the bridge to answer. A picocli mixin.
 */
public final class ConnectOptions {

  @Option(names = "--server-key", paramLabel = "Z85|FILE",
      description = "The bridge's CURVE public key, or its .pub file from 'conduit keygen', when it requires CURVE.")
  String serverKey;

  @Option(names = "--client-key", paramLabel = "FILE",
      description = "This client's CURVE secret key file (NAME.key from 'conduit keygen'), for a bridge that "
          + "admits only listed client keys. Default: a fresh key pair.")
  Path clientKey;

  @Option(names = "--connect-timeout", paramLabel = "MS",
      description = "How long to wait for the bridge to answer when connecting. Default: ${DEFAULT-VALUE}.")
  long connectTimeoutMs = 5_000;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** {@code base} with these options' keys and connect timeout; a bad value is a usage error (exit 2). */
  public ClientOptions apply(ClientOptions base) {
    ClientOptions options = base.withConnectTimeout(Duration.ofMillis(connectTimeoutMs()));
    CurveKeys keys = curve();
    return keys == null ? options : options.withCurve(keys);
  }

  /** The CURVE keys these options name, or null without {@code --server-key}. */
  public CurveKeys curve() {
    if (serverKey == null) {
      if (clientKey != null) {
        throw bad("--client-key needs --server-key (the bridge's public key)");
      }
      return null;
    }
    String server = keyOrFile("--server-key", serverKey);
    try {
      if (clientKey == null) {
        return CurveKeys.withNewClientKeys(server);
      }
      return CurveKeys.withClientSecret(server, read("--client-key", clientKey));
    } catch (IllegalArgumentException e) {
      throw bad((clientKey == null ? "--server-key: " : "--server-key/--client-key: ") + e.getMessage());
    }
  }

  /** The {@code --connect-timeout} given (or its default), in milliseconds; out of range is a usage error. */
  public long connectTimeoutMs() {
    if (connectTimeoutMs < 1 || connectTimeoutMs > Integer.MAX_VALUE) {
      throw bad("--connect-timeout must be 1 to " + Integer.MAX_VALUE + " ms, got " + connectTimeoutMs);
    }
    return connectTimeoutMs;
  }

  /** Client options with a command's {@code --timeout}, which must be at least 1 ms. */
  public static ClientOptions withRequestTimeout(long timeoutMs) {
    if (timeoutMs < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 ms, got " + timeoutMs);
    }
    return ClientOptions.defaults().withTimeout(java.time.Duration.ofMillis(timeoutMs));
  }

  /** Connects, or fails with one line naming the endpoint and why. */
  public ConduitClient connect(String endpoint, ClientOptions base) {
    ClientOptions options = apply(base);
    try {
      return ConduitClient.connect(endpoint, options);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    } catch (ConduitException e) {
      throw new CliFailure("cannot connect to " + endpoint + " within " + connectTimeoutMs + " ms: " + e.getMessage());
    }
  }

  private String keyOrFile(String option, String value) {
    Path file = Path.of(value);
    return Files.isRegularFile(file) ? read(option, file) : value.trim();
  }

  private String read(String option, Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      throw bad(option + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  private ParameterException bad(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
