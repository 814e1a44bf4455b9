package io.conduit.store.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EnginesTest {

  @TempDir
  Path dir;

  @Test
  void memoryAndRocksdbAreTheBackends() {
    try (KeyValueEngine memory = Engines.open("memory", dir, Durability.DEFAULT);
         KeyValueEngine rocks = Engines.open(" RocksDB ", dir, Durability.DEFAULT)) {
      assertInstanceOf(MemoryEngine.class, memory);
      assertInstanceOf(RocksEngine.class, rocks);
    }
  }

  @Test
  void anUnknownBackendIsRefusedWithTheAcceptedNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Engines.open("lmdb", dir, Durability.DEFAULT));
    assertEquals("unknown storage backend 'lmdb'; use one of: memory, rocksdb", e.getMessage());
  }
}
