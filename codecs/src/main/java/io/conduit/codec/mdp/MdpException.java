package io.conduit.codec.mdp;

/** A Majordomo worker message that breaks RFC 7; the message says which rule, for the log. */
public class MdpException extends Exception {

  public MdpException(String message) {
    super(message, null, false, false);
  }
}
