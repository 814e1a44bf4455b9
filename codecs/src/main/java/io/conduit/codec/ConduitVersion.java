package io.conduit.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The Conduit version, as built. */
public final class ConduitVersion {

  private static final String VERSION = load();

  private ConduitVersion() {
  }

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = ConduitVersion.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("the build left out version.properties", e);
    }
  }
}
