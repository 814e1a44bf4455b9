package io.conduit.store.owner;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How current a data directory is: kept beside the data, and whether an owner's copy holds it all. */
class DataEpochTest {

  @TempDir
  Path dir;

  private static JsonObject claim(long epoch, String node, Long dataEpoch) {
    JsonObject claim = new JsonObject().put("epoch", epoch).put("node", node);
    return dataEpoch == null ? claim : claim.put("dataEpoch", dataEpoch);
  }

  @Test
  void itIsKeptWholeAcrossReadsAndForgotten() throws IOException {
    assertEquals(DataEpoch.NONE, DataEpoch.read(dir), "a directory that says nothing");
    DataEpoch.of(claim(3, "n1", 2L)).write(dir);
    assertEquals(new DataEpoch(3, "3/n1"), DataEpoch.read(dir));
    DataEpoch.forget(dir);
    assertEquals(DataEpoch.NONE, DataEpoch.read(dir));
  }

  @Test
  void aFileThatHoldsNoEpochIsRefusedNamingIt() throws IOException {
    Files.writeString(dir.resolve(DataEpoch.FILE), "three\n");
    IOException e = assertThrows(IOException.class, () -> DataEpoch.read(dir));
    assertTrue(e.getMessage().contains(DataEpoch.FILE) && e.getMessage().contains("three"), e.getMessage());
  }

  @Test
  void anOwnerCoversDataNoNewerThanItStartedFromOrTheDataOfItsOwnClaim() {
    DataEpoch followedThisOwner = new DataEpoch(5, "5/n1");
    assertTrue(followedThisOwner.coveredBy(claim(5, "n1", 4L)), "a standby that restarted under the same owner");
    assertTrue(new DataEpoch(4, "4/n0").coveredBy(claim(5, "n1", 4L)), "the last owner's data: the owner started from it");
    assertTrue(DataEpoch.NONE.coveredBy(claim(1, "n1", 0L)), "a directory that says nothing");
    assertTrue(new DataEpoch(9, "9/n0").coveredBy(claim(2, "n1", null)), "an owner that says nothing of its data");
    assertFalse(new DataEpoch(2, "2/n0").coveredBy(claim(2, "n1", 1L)),
        "newer than the data the owner started from, under an epoch that happens to be the same");
  }
}
