package io.conduit.deploy;

/** A deployment file that cannot be used; the message names the file, the field and the reason. */
public class DeploymentFileException extends IllegalArgumentException {

  public DeploymentFileException(String message) {
    super(message);
  }
}
