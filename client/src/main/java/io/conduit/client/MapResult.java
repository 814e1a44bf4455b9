package io.conduit.client;

/**
 * The outcome of one item of a {@link ConduitClient#map map}: its reply, or the error it got (an
 * item's failure never ends the map).
 *
 * @param index the item's position in the input, from 0
 * @param item  the item as given
 * @param value the decoded reply body when it succeeded (may be null: a JSON null reply)
 * @param error the failure when it did not, else null
 */
public record MapResult(long index, Object item, Object value, ConduitException error) {

  /** Whether the item got a reply. */
  public boolean ok() {
    return error == null;
  }
}
