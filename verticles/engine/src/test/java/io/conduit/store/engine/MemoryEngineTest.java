package io.conduit.store.engine;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MemoryEngineTest extends KeyValueEngineContract {

  @Override
  KeyValueEngine open(Path dir) {
    return Engines.open("memory", dir, Durability.DEFAULT);
  }

  @Test
  void describesItselfAsNotPersisted() {
    assertEquals("memory (nothing is persisted)", engine.describe());
  }
}
