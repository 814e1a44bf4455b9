package io.conduit.store.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Opens the engine a store's configuration names. */
public final class Engines {

  /** The backend names {@link #open} accepts. */
  public static final List<String> BACKENDS = List.of("memory", "rocksdb");

  private Engines() {
  }

  /**
   * Opens {@code backend} ("memory" or "rocksdb", any case) in {@code dir} with {@code durability};
   * the memory backend ignores both. Unknown names fail with a sentence listing the accepted ones.
   */
  public static KeyValueEngine open(String backend, Path dir, Durability durability) {
    String name = backend == null ? "" : backend.trim().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "memory" -> new MemoryEngine();
      case "rocksdb" -> RocksEngine.open(dir, durability);
      default -> throw new IllegalArgumentException("unknown storage backend '" + backend + "'; use one of: "
          + String.join(", ", BACKENDS));
    };
  }
}
