package io.conduit.store.owner;

/**
 * A write refused because its store stepped down while the write was in flight: another deployment
 * owns the data now. Not a storage failure: nothing acknowledged is lost, and the write's caller
 * hears a retriable refusal.
 */
public final class SteppedDownException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  SteppedDownException(String kind, String address) {
    super(kind + " '" + address + "' is no longer the owner");
  }
}
