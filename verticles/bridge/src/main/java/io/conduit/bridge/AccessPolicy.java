package io.conduit.bridge;

import io.conduit.codec.Namespaces;
import io.conduit.codec.mdp.Mdp;
import io.vertx.core.json.JsonArray;

import java.util.Map;

/**
 * Who may do what through the bridge, decided in one place for every transport: which addresses a
 * client may call ({@link #mayCall}), subscribe to ({@link #maySubscribe}), and which services an
 * external Majordomo worker may register ({@link #mayServe}). Immutable and free of I/O, so the
 * socket thread and the event loop can both ask it.
 *
 * <p>The rules, in order:
 * <ul>
 *   <li>{@code __vertx.*} (Vert.x's reply and internal addresses) and {@code conduit.*} (node control,
 *   the console's monitors) are never served by a worker, and are called or subscribed to only
 *   when {@code inbound}/{@code outbound} names them: by exact name, or by a regex whose text begins
 *   with the namespace. The permit-all default and catch-alls such as {@code .*} do not count.</li>
 *   <li>{@code mmi.*} is the bridge's own; no worker serves it.</li>
 *   <li>An address in {@code reservedAddresses} (what the node's deployment serves itself) is never
 *   taken over by a worker, nor subscribed to.</li>
 *   <li>With CURVE, a worker whose key has a list in {@code curve.serveByKey} may serve exactly that
 *   list; every other worker is held to {@code serve}, which defaults to the {@code inbound} list
 *   when only that is configured, and to any name otherwise.</li>
 * </ul>
 */
public final class AccessPolicy {

  private final Permissions inbound;
  private final Permissions outbound;
  private final Permissions serve;
  private final Permissions reserved;
  private final Map<String, Permissions> serveByKey;
  /** Whose lists the refusals name: "the bridge's" (with its flags), or another front door's. */
  private final String door;
  private final boolean flags;

  /**
   * A decision: allowed, or refused with a sentence that names the address and the option that
   * would change the answer (for the client's {@code FORBIDDEN} and for the log).
   */
  public record Verdict(boolean allowed, String reason) {
    public static final Verdict ALLOWED = new Verdict(true, null);

    static Verdict refused(String reason) {
      return new Verdict(false, reason);
    }
  }

  /**
   * @param inbound    addresses clients may REQUEST/SEND/PUBLISH to (and MDP clients call)
   * @param outbound   addresses clients may subscribe to
   * @param serve      services workers may register; {@link Permissions#everything()} means "not configured"
   * @param reserved   addresses served by the node's own deployment, which no worker may take over
   * @param serveByKey per CURVE client public key (Z85), the services a worker with that key may register
   */
  public AccessPolicy(Permissions inbound, Permissions outbound, Permissions serve, Permissions reserved,
                      Map<String, Permissions> serveByKey) {
    this.inbound = inbound;
    this.outbound = outbound;
    this.serve = serve;
    this.reserved = reserved;
    this.serveByKey = Map.copyOf(serveByKey);
    this.door = "the bridge's";
    this.flags = true;
  }

  private AccessPolicy(Permissions inbound, String door) {
    this.inbound = inbound;
    this.outbound = Permissions.everything();
    this.serve = Permissions.everything();
    this.reserved = Permissions.parse(new JsonArray(), "reservedAddresses");
    this.serveByKey = Map.of();
    this.door = door;
    this.flags = false;
  }

  /**
   * The rules for calls through another front door (REST {@code /api/call}), the same as the
   * bridge's: {@code __vertx.*} and {@code conduit.*} only when {@code inbound} names them, others
   * as {@code inbound} permits; refusals name {@code door}'s list ("the web service's").
   */
  public static AccessPolicy forCalls(Permissions inbound, String door) {
    return new AccessPolicy(inbound, door);
  }

  /** The policy of a bridge configured with none of the lists. */
  public static AccessPolicy defaults() {
    return new AccessPolicy(Permissions.everything(), Permissions.everything(), Permissions.everything(),
        Permissions.parse(new JsonArray(), "reservedAddresses"), Map.of());
  }

  /** May a client REQUEST, SEND or PUBLISH to {@code address} (or call it as a Majordomo service)? */
  public Verdict mayCall(String address) {
    String own = ownNamespace(address);
    if (own != null) {
      return inbound.namesWithin(address, own) ? Verdict.ALLOWED : Verdict.refused("address '" + address
          + "' is not permitted for this client: " + protectedBecause(own, "inbound"));
    }
    return inbound.permits(address) ? Verdict.ALLOWED : Verdict.refused("address '" + address
        + "' is not permitted for this client: it is not in " + door + " 'inbound' allow-list" + flag("inbound"));
  }

  /** May a client subscribe to events on {@code address}? */
  public Verdict maySubscribe(String address) {
    String own = ownNamespace(address);
    if (own != null) {
      return outbound.namesWithin(address, own) ? Verdict.ALLOWED : Verdict.refused("a subscription to '" + address
          + "' is not permitted: " + protectedBecause(own, "outbound"));
    }
    if (reserved.names(address)) {
      // A subscription is a consumer on the address: Vert.x would hand it its turn of the service's
      // point-to-point messages, which the service would then never see. The addresses below a
      // service's (docs.changes, tasks.events.<id>) are its events, open to subscribers.
      return Verdict.refused("a subscription to '" + address + "' is not permitted: the node's own deployment "
          + "serves that address (bridge config 'reservedAddresses'), and a subscriber there would take a share of "
          + "the messages sent to the service; subscribe to its event addresses instead");
    }
    return outbound.permits(address) ? Verdict.ALLOWED : Verdict.refused("a subscription to '" + address
        + "' is not permitted: it is not in " + door + " 'outbound' allow-list" + flag("outbound"));
  }

  /** True when the node's own deployment serves {@code address} (its {@code reservedAddresses}). */
  public boolean deploymentServes(String address) {
    return reserved.permits(address);
  }

  /**
   * The service of the node's own deployment that {@code address} lies below ({@code docs} for
   * {@code docs.ro}), or null when it is one of those services' own addresses, or none of theirs.
   */
  public String deploymentServiceAbove(String address) {
    if (reserved.names(address)) {
      return null;
    }
    for (int dot = address.lastIndexOf('.'); dot > 0; dot = address.lastIndexOf('.', dot - 1)) {
      String above = address.substring(0, dot);
      if (reserved.names(above)) {
        return above;
      }
    }
    return null;
  }

  /**
   * May an external worker register as {@code service} (Majordomo READY)?
   *
   * @param clientKey the worker connection's CURVE public key (Z85), or null when there is none or the
   *                  transport cannot tell; then only what every list that could apply admits is allowed
   */
  public Verdict mayServe(String service, String clientKey) {
    if (service.startsWith(Mdp.MMI_PREFIX)) {
      return Verdict.refused("'mmi.*' names are the bridge's own management services");
    }
    String own = ownNamespace(service);
    if (own != null) {
      return Verdict.refused("'" + service + "' is in '" + own + "*', " + owner(own)
          + " own namespace, which no external worker may serve whatever the configuration");
    }
    if (reserved.permits(service)) {
      return Verdict.refused("'" + service + "' is served by this node's own deployment (bridge config "
          + "'reservedAddresses'); workers may join a deployed service only when its entry in the deployment file "
          + "says \"externalWorkers\": true");
    }
    if (!serveByKey.isEmpty()) {
      Permissions keyed = clientKey == null ? null : serveByKey.get(clientKey);
      if (keyed != null) {
        return keyed.permits(service) ? Verdict.ALLOWED : Verdict.refused("'" + service
            + "' is not in the list of this worker's CURVE key in 'curve.serveByKey'");
      }
      if (clientKey == null) {
        for (Permissions list : serveByKey.values()) {
          if (!list.permits(service)) {
            return Verdict.refused("'" + service + "' is not admitted by every list of 'curve.serveByKey', and "
                + "the bridge cannot tell which key this worker connected with");
          }
        }
      }
    }
    if (serve.explicit()) {
      return serve.permits(service) ? Verdict.ALLOWED : Verdict.refused("'" + service
          + "' is not in the bridge's 'serve' allow-list (--serve)");
    }
    if (inbound.explicit() && !inbound.permits(service)) {
      return Verdict.refused("'" + service + "' is not in the bridge's 'inbound' allow-list, which also decides "
          + "what workers may serve while 'serve' is not set; list it in 'serve' (--serve)");
    }
    return Verdict.ALLOWED;
  }

  /** True when an explicit {@code inbound} list was configured (not the permit-all default). */
  public boolean inboundConfigured() {
    return inbound.explicit();
  }

  private static String ownNamespace(String address) {
    for (String namespace : Namespaces.OWN) { // never to clients or workers by default
      if (address.startsWith(namespace)) {
        return namespace;
      }
    }
    return null;
  }

  private String protectedBecause(String namespace, String list) {
    return "'" + namespace + "*' addresses are " + owner(namespace) + " own; to open this one, name it (or a regex "
        + "beginning '" + namespace.replace(".", "\\.") + "') in " + door + " '" + list + "' list" + flag(list);
  }

  private String flag(String list) {
    return flags ? " (--" + list + ")" : "";
  }

  private static String owner(String namespace) {
    return namespace.equals("__vertx.") ? "Vert.x's" : "Conduit's";
  }
}
