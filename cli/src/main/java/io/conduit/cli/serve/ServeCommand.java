package io.conduit.cli.serve;

import io.conduit.cli.CliFailure;
import io.conduit.cli.Logs;
import io.conduit.cluster.ClusterSettings;
import io.conduit.cluster.SpinBeforeSleep;
import io.conduit.deploy.DeploymentPlan;
import io.conduit.deploy.UserClasspath;
import io.conduit.store.owner.StoreOwnership;
import io.conduit.web.ConduitMetrics;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code conduit serve}: starts a node with the services of a deployment file. */
@Command(name = "serve",
    header = "Start a Conduit node and serve the services of a deployment file (or the built-in one).",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Start a Conduit node: deploys the services of a deployment file (or the built-in",
        "default: bridge, web console, docs, graph, tasks and echo) and serves until Ctrl-C or SIGTERM."})
public final class ServeCommand implements Callable<Integer> {

  /**
   * {@code --loop-spin}'s default: longer than one sequential client takes to send its next request
   * after a reply (with the loop awake, the whole round trip of a JeroMQ or pyzmq client took 41–69
   * µs at the median, a C client's about 26 µs), bench/results/HISTORY.md ("Latest run: idle event
   * loops spin before they sleep").
   */
  static final long DEFAULT_LOOP_SPIN_MICROS = 100;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Deployment file (JSON) listing the services to run. Default: the built-in deployment.")
  Path deploymentFile;

  @Option(names = "--classpath", paramLabel = "PATH[:PATH...]", split = ":",
      description = "Your jars and class folders, for the verticles, task handlers and scripts the deployment names "
          + "(also CONDUIT_CLASSPATH, and every jar in lib/ beside the deployment file).")
  List<Path> classpath = new ArrayList<>();

  @Option(names = {"-a", "--address"}, paramLabel = "ENDPOINT",
      description = "ZeroMQ bridge endpoint for requests (tcp://HOST:PORT or ipc:///path). Default: tcp://127.0.0.1:5555.")
  String bridgeEndpoint;

  @Option(names = "--events", paramLabel = "ENDPOINT",
      description = "ZeroMQ endpoint publishing events to subscribers, or 'none'. Default: tcp://127.0.0.1:5556.")
  String eventsEndpoint;

  @Option(names = "--inbound", paramLabel = "ADDRESS", split = ",",
      description = "Addresses bridge clients may call (re:REGEX for a pattern). Default: all.")
  List<String> inbound = new ArrayList<>();

  @Option(names = "--outbound", paramLabel = "ADDRESS", split = ",",
      description = "Addresses bridge clients may subscribe to (re:REGEX for a pattern). Default: all.")
  List<String> outbound = new ArrayList<>();

  @Option(names = "--serve", paramLabel = "ADDRESS", split = ",",
      description = "Addresses external Majordomo workers may serve (re:REGEX for a pattern). Default: the --inbound "
          + "list when given, else any address the node does not serve itself; never __vertx.* or conduit.*.")
  List<String> serve = new ArrayList<>();

  @Option(names = "--curve-keys", paramLabel = "BASE",
      description = "Require CURVE on the bridge with the key pair BASE.pub/BASE.key (from 'conduit keygen').")
  Path curveKeys;

  @Option(names = "--curve-clients", paramLabel = "FILE",
      description = "With --curve-keys: admit only the client public keys in FILE (one Z85 key per line).")
  Path curveClients;

  @Option(names = "--insecure",
      description = "Allow binding the bridge beyond loopback without CURVE or an --inbound list.")
  boolean insecure;

  @Option(names = {"-b", "--backend"}, paramLabel = "memory|rocksdb",
      description = "Storage backend for stores that use the node's default. Default: ${DEFAULT-VALUE}.")
  String backend = "rocksdb";

  @Option(names = "--data", paramLabel = "DIR", description = "Directory for persistent data. Default: ${DEFAULT-VALUE}.")
  Path dataDir = Path.of("conduit-data");

  @Option(names = {"-s", "--scripts"}, paramLabel = "CLASS", split = ",",
      description = "Server-script classes made available to stores (comma-separated or repeated).")
  List<String> scripts = new ArrayList<>();

  @Option(names = "--web", paramLabel = "HOST:PORT",
      description = "Web console and REST API address (a host other than loopback needs a token in the web service's config). "
          + "Default: the deployment file's, 127.0.0.1:8080 in the built-in one.")
  String web;

  @Option(names = "--cluster", description = "Join a cluster of nodes through Hazelcast (standalone otherwise).")
  boolean cluster;

  @Option(names = "--cluster-name", paramLabel = "NAME", description = "Cluster name; only nodes with the same name join. Default: ${DEFAULT-VALUE}.")
  String clusterName = ClusterSettings.DEFAULT_NAME;

  @Option(names = "--members", paramLabel = "HOST:PORT,...",
      description = "Cluster members to join (TCP-IP). List this node's own address too when it may start the cluster.")
  String members;

  @Option(names = "--cluster-host", paramLabel = "HOST", description = "Interface the cluster binds to. Default: ${DEFAULT-VALUE}.")
  String clusterHost = ClusterSettings.DEFAULT_HOST;

  @Option(names = "--cluster-port", paramLabel = "PORT",
      description = "Cluster port. Default: the first free one from " + ClusterSettings.DEFAULT_PORT + "; when given, exactly this one.")
  Integer clusterPort;

  @Option(names = "--public-host", paramLabel = "HOST", description = "Address other machines use to reach this node (behind NAT).")
  String publicHost;

  @Option(names = "--cluster-config", paramLabel = "FILE", description = "Hazelcast XML or YAML file to use instead of the built-in cluster settings.")
  Path clusterConfig;

  @Option(names = "--cluster-backups", paramLabel = "N",
      description = "Copies of Conduit's cluster maps (task records, store owners) kept on other nodes: how many nodes "
          + "may be lost at once without losing a task. Default: ${DEFAULT-VALUE}.")
  int clusterBackups = ClusterSettings.DEFAULT_BACKUPS;

  @Option(names = "--cluster-quorum", paramLabel = "N",
      description = "Members a part of the cluster needs to own stores: a node cut off with fewer stops serving its "
          + "stores within their lease, and only a part with the quorum takes them over. Default: a majority of the "
          + "nodes in --members (with this one) when that is 3 or more, else 1.")
  Integer clusterQuorum;

  @Option(names = "--store-lease-ms", paramLabel = "MS",
      description = "How long a store's owner serves without renewing its claim in the cluster; a standby takes over "
          + "after the owner's lease plus 2 s, so failover takes about that long. Default: ${DEFAULT-VALUE}.")
  long storeLeaseMs = StoreOwnership.LEASE_MS;

  @Option(names = "--event-loops", paramLabel = "N",
      description = "Event-loop threads. Default: one per two cores, at least one (a request crosses from the bridge's loop "
          + "to its service's; on a shared loop that costs nothing).")
  Integer eventLoops;

  @Option(names = "--transport", paramLabel = "nio|io_uring",
      description = "Network transport of the event loops: nio (the JDK's, everywhere) or io_uring (Linux x86-64, where the "
          + "kernel allows it; more throughput with many connections or pipelined requests; no ipc:// endpoints). "
          + "Default: ${DEFAULT-VALUE}.")
  String transport = NodeTransport.NIO.flag();

  @Option(names = "--loop-spin", paramLabel = "MICROS",
      description = "How long an event loop that runs out of work keeps looking for more (yielding its CPU between looks) "
          + "before it sleeps, 0 to " + SpinBeforeSleep.MAX_SPIN_MICROS + " µs; 0 sleeps at once. A request that finds its "
          + "loop awake needs no wake-up, which on a virtual machine costs more than the request. Default: ${DEFAULT-VALUE}.")
  long loopSpinMicros = DEFAULT_LOOP_SPIN_MICROS;

  @Option(names = "--eventbus-metrics",
      description = "Also publish Vert.x's per-address event-bus and TCP meters at /metrics (they cost CPU on every message).")
  boolean eventBusMetrics;

  @Option(names = "--verbose", description = "Show stack traces and framework logs.")
  boolean verbose;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Parameters(paramLabel = "KEY:VALUE", description = "Backend parameters handed to the stores, e.g. cache.mb:64.")
  List<String> params = new ArrayList<>();

  @Override
  public Integer call() {
    CliFailure.verbose(verbose);
    ClassLoader classes = userClasses();
    // the checks of class names below, and the node's services, see the user's classes
    Thread.currentThread().setContextClassLoader(classes);
    DeploymentPlan plan = plan();
    if (web != null) {
      plan = webFlags().applyTo(plan);
    }
    checkScripts();
    NodeDefaults defaults = new NodeDefaults(backend(), dataDir, scripts, params());
    plan = defaults.applyTo(plan);
    if (curveClients != null && curveKeys == null) {
      throw new CliFailure("--curve-clients needs --curve-keys (the server's own key pair)");
    }
    plan = new BridgeFlags(bridgeEndpoint, eventsEndpoint, insecure, curveKeys, curveClients, inbound, outbound, serve)
        .applyTo(plan);
    plan = ReservedAddresses.applyTo(plan);
    plan = ProcessEnvironment.applyTo(plan);
    ClusterSettings clusterSettings = cluster ? clusterSettings() : null;
    NodeTransport network = NodeTransport.parse(transport);
    try {
      SpinBeforeSleep.checked(loopSpinMicros);
    } catch (IllegalArgumentException e) {
      throw new CliFailure("--loop-spin: " + e.getMessage());
    }
    // -a and --events are in the plan now
    Transport vertxTransport = network.checked(loopSpinMicros, BridgeFlags.endpoints(plan));
    storeLease();
    Node node;
    Logs.duringStartup();
    try {
      node = Node.start(plan, clusterSettings, vertxOptions(), classes, vertxTransport).toCompletionStage()
          .toCompletableFuture()
          .get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw CliFailure.from(e);
    } finally {
      Logs.afterStartup();
    }
    // Before the banner: whoever waits for "Ready" may send SIGTERM at once.
    Shutdown.onSignal(node);
    Banner.print(System.out, node, dataDir.toString(), backend, network, loopSpinMicros);
    return null;
  }

  /**
   * Conduit's own classes, or a loader over the user's: {@code --classpath}, then
   * {@code CONDUIT_CLASSPATH}, then the jars in {@code lib/} beside the deployment file.
   */
  private ClassLoader userClasses() {
    List<Path> paths = new ArrayList<>(classpath);
    String env = System.getenv("CONDUIT_CLASSPATH");
    if (env != null && !env.isBlank()) {
      for (String p : env.split(":")) {
        if (!p.isBlank()) {
          paths.add(Path.of(p));
        }
      }
    }
    Path lib = deploymentFile == null ? null : deploymentFile.toAbsolutePath().getParent().resolve("lib");
    ClassLoader conduit = ServeCommand.class.getClassLoader();
    if (paths.isEmpty() && (lib == null || !java.nio.file.Files.isDirectory(lib))) {
      return conduit;
    }
    try {
      return UserClasspath.of(paths, lib, conduit);
    } catch (IllegalArgumentException e) {
      throw new CliFailure("--classpath: " + e.getMessage());
    }
  }

  private DeploymentPlan plan() {
    if (deploymentFile != null) {
      return DeploymentPlan.read(deploymentFile);
    }
    try (InputStream in = ServeCommand.class.getResourceAsStream("default-deployment.json")) {
      return DeploymentPlan.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in deployment");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private VertxOptions vertxOptions() {
    VertxOptions options = ConduitMetrics.enable(new VertxOptions(), eventBusMetrics);
    if (eventLoops != null) {
      if (eventLoops < 1 || eventLoops > 1024) {
        throw new CliFailure("--event-loops must be 1-1024, got " + eventLoops);
      }
      options.setEventLoopPoolSize(eventLoops);
    } else {
      options.setEventLoopPoolSize(defaultEventLoops(Runtime.getRuntime().availableProcessors()));
    }
    return options;
  }

  /**
   * Fewer loops than Vert.x's two per core: nearly every request crosses from the bridge's event
   * loop to a store's or service's, and when the two share a loop the hand-off is a method call
   * instead of a thread wake-up (measured on 2 cores: a document {@code get} took 4 × less CPU on
   * one loop, and every load was as fast or faster). The other cores are left to the stores'
   * writer and worker threads, the garbage collector and the clients on the same machine.
   */
  static int defaultEventLoops(int cores) {
    return Math.max(1, cores / 2);
  }

  private WebFlags webFlags() {
    int colon = web.lastIndexOf(':');
    try {
      int port = Integer.parseInt(web.substring(colon + 1));
      if (colon <= 0 || port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      String host = web.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return new WebFlags(host, port);
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new CliFailure("--web must be HOST:PORT, e.g. 127.0.0.1:8080, got '" + web + "'");
    }
  }

  private void checkScripts() {
    for (String script : scripts) {
      try {
        Class.forName(script, false, Thread.currentThread().getContextClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new CliFailure("server-script class " + script + " (-s) is not on the classpath; add yours with --classpath");
      }
    }
  }

  private String backend() {
    if (!backend.equals("memory") && !backend.equals("rocksdb")) {
      throw new CliFailure("--backend must be 'memory' or 'rocksdb', got '" + backend + "'");
    }
    return backend;
  }

  private Map<String, String> params() {
    Map<String, String> result = new LinkedHashMap<>();
    for (String p : params) {
      int colon = p.indexOf(':');
      if (colon <= 0) {
        throw new CliFailure("backend parameter '" + p + "' must be KEY:VALUE (a subcommand name goes before the flags)");
      }
      result.put(p.substring(0, colon), p.substring(colon + 1));
    }
    return result;
  }

  /** The stores' lease, for StoreOwnership (which reads it when each store starts); checked here first. */
  private void storeLease() {
    String previous = System.getProperty(StoreOwnership.LEASE_PROPERTY);
    System.setProperty(StoreOwnership.LEASE_PROPERTY, Long.toString(storeLeaseMs));
    try {
      StoreOwnership.configuredLeaseMs();
    } catch (IllegalArgumentException e) {
      if (previous == null) {
        System.clearProperty(StoreOwnership.LEASE_PROPERTY);
      } else {
        System.setProperty(StoreOwnership.LEASE_PROPERTY, previous);
      }
      throw new CliFailure(e.getMessage());
    }
  }

  private ClusterSettings clusterSettings() {
    try {
      ClusterSettings s = ClusterSettings.defaults().withName(clusterName).withHost(clusterHost)
          .withMembers(ClusterSettings.Member.parseList(members)).withPublicHost(publicHost);
      if (clusterPort != null) {
        s = s.withPort(clusterPort).withPortCount(1);
      }
      if (clusterConfig != null) {
        s = s.withConfigFile(clusterConfig);
      }
      if (clusterQuorum != null) {
        if (clusterQuorum < 1) {
          throw new CliFailure("--cluster-quorum must be at least 1, got " + clusterQuorum);
        }
        s = s.withQuorum(clusterQuorum);
      }
      return s.withBackups(clusterBackups);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage());
    }
  }
}
