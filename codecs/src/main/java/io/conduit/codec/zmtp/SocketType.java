package io.conduit.codec.zmtp;

import java.util.Set;

/** ZeroMQ socket types as they are named in the {@code Socket-Type} metadata of a handshake. */
public enum SocketType {
  REQ, REP, DEALER, ROUTER, PUB, SUB, XPUB, XSUB, PUSH, PULL, PAIR;

  /** The socket types a peer of this type may be, as RFC 28/29/30/31 list them. */
  public Set<SocketType> peers() {
    return switch (this) {
      case REQ -> Set.of(REP, ROUTER);
      case REP -> Set.of(REQ, DEALER);
      case DEALER -> Set.of(REP, DEALER, ROUTER);
      case ROUTER -> Set.of(REQ, DEALER, ROUTER);
      case PUB, XPUB -> Set.of(SUB, XSUB);
      case SUB, XSUB -> Set.of(PUB, XPUB);
      case PUSH -> Set.of(PULL);
      case PULL -> Set.of(PUSH);
      case PAIR -> Set.of(PAIR);
    };
  }

  /** The type named {@code name}, or null when it is no ZeroMQ socket type. */
  public static SocketType named(String name) {
    for (SocketType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
