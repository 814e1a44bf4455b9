package io.conduit.deploy;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The user's own classes for a node: jars and class folders named on the command line
 * ({@code --classpath}, {@code CONDUIT_CLASSPATH}) and every jar in a {@code lib/} folder beside the
 * deployment file, loaded by one class loader whose parent is Conduit's, so that user verticles,
 * services, pipeline stages, task handlers and graph scripts see Conduit's API and Vert.x as the
 * node does.
 */
public final class UserClasspath extends URLClassLoader {

  private final List<Path> entries;

  private UserClasspath(List<Path> entries, ClassLoader parent) {
    super("conduit-user-classpath", urls(entries), parent);
    this.entries = List.copyOf(entries);
  }

  /**
   * A loader over {@code paths} (each a jar or a folder of classes) and the jars of {@code lib}
   * (ignored when null or absent); an entry that does not exist is an IllegalArgumentException
   * naming it.
   */
  public static UserClasspath of(List<Path> paths, Path lib, ClassLoader parent) {
    List<Path> entries = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new IllegalArgumentException("classpath entry " + p + " does not exist");
      }
      if (!Files.isDirectory(p) && !p.getFileName().toString().endsWith(".jar")) {
        throw new IllegalArgumentException("classpath entry " + p + " is neither a folder of classes nor a .jar");
      }
      entries.add(p.toAbsolutePath().normalize());
    }
    if (lib != null && Files.isDirectory(lib)) {
      try (Stream<Path> jars = Files.list(lib)) {
        jars.filter(j -> j.getFileName().toString().endsWith(".jar")).sorted()
            .forEach(j -> entries.add(j.toAbsolutePath().normalize()));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot list " + lib + ": " + e.getMessage(), e);
      }
    }
    return new UserClasspath(entries, parent);
  }

  /** The jars and folders searched, in order. */
  public List<Path> entries() {
    return entries;
  }

  /** For a class that was not found: " (searched: ...)" naming the user's entries, or "" for Conduit's own loader. */
  static String searched(ClassLoader loader) {
    if (loader instanceof UserClasspath user) {
      return " (searched Conduit's jar and " + (user.entries.isEmpty() ? "no classpath of yours: give --classpath "
          + "or put jars in lib/ beside the deployment file" : user.entries.stream().map(Path::toString)
          .collect(Collectors.joining(":"))) + ")";
    }
    return " (searched " + System.getProperty("java.class.path") + "; add yours with --classpath)";
  }

  private static URL[] urls(List<Path> entries) {
    URL[] urls = new URL[entries.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = entries.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("classpath entry " + entries.get(i) + ": " + e.getMessage(), e);
      }
    }
    return urls;
  }
}
