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
    JsonObject claim = new JsonObject().put("epoch", epoch).put("node", node).put("life", "L2");
    return dataEpoch == null ? claim : claim.put("dataEpoch", dataEpoch);
  }

  @Test
  void itIsKeptWholeAcrossReadsAndMarkedWhileACopyIsUnderWay() throws IOException {
    assertEquals(DataEpoch.NONE, DataEpoch.read(dir), "a directory that says nothing");
    DataEpoch.owning(claim(3, "n1", 2L)).write(dir);
    assertEquals(new DataEpoch(3, "3/n1", "L2", DataEpoch.OWNER), DataEpoch.read(dir));
    DataEpoch.following(claim(4, "n2", 2L)).write(dir);
    assertEquals(new DataEpoch(4, "4/n2", "L2", DataEpoch.STANDBY), DataEpoch.read(dir));
    Files.writeString(dir.resolve(DataEpoch.FILE), "6 6/n1 L1\n");
    assertEquals(new DataEpoch(6, "6/n1", "L1", ""), DataEpoch.read(dir), "a file of the version before says not how");
    DataEpoch.copyBegins(dir);
    assertTrue(DataEpoch.read(dir).copying(), "a copy under way");
    assertFalse(DataEpoch.NONE.copying());
    assertTrue(DataEpoch.COPYING.coveredBy(claim(1, "n1", 0L)), "a copy under way follows any owner");
  }

  @Test
  void aFileThatHoldsNoEpochIsRefusedNamingIt() throws IOException {
    Files.writeString(dir.resolve(DataEpoch.FILE), "three\n");
    IOException e = assertThrows(IOException.class, () -> DataEpoch.read(dir));
    assertTrue(e.getMessage().contains(DataEpoch.FILE) && e.getMessage().contains("three"), e.getMessage());
  }

  @Test
  void anOwnerCoversDataNoNewerThanItStartedFromOrTheDataOfItsOwnClaim() {
    assertTrue(new DataEpoch(5, "5/n1", "L2", DataEpoch.STANDBY).coveredBy(claim(5, "n1", 1L)), "a standby that restarted under the same owner");
    assertTrue(new DataEpoch(4, "4/n0", "L2", DataEpoch.OWNER).coveredBy(claim(5, "n1", 1L)), "an earlier owner of the same life");
    assertTrue(new DataEpoch(1, "1/n0", "L1", DataEpoch.OWNER).coveredBy(claim(5, "n1", 1L)), "the data this life started from");
    assertTrue(DataEpoch.NONE.coveredBy(claim(1, "n1", 0L)), "a directory that says nothing");
    assertTrue(new DataEpoch(9, "9/n0", "L1", DataEpoch.OWNER).coveredBy(claim(2, "n1", null)), "an owner that says nothing of its data");
    assertFalse(new DataEpoch(2, "2/n0", "L1", DataEpoch.STANDBY).coveredBy(claim(2, "n1", 1L)),
        "an earlier life's data newer than this life started from, under an epoch that happens to be the same");
    assertFalse(new DataEpoch(2, "2/n0", "L1", DataEpoch.STANDBY).coveredBy(claim(7, "n1", 1L)),
        "however many epochs this life has had since");
  }

  @Test
  void theOwnerOfTheEpochALifeStartedFromIsNotCoveredByAStandbysCopyOfIt() {
    JsonObject fromACopy = claim(6, "n2", 5L).put("dataHeld", DataEpoch.STANDBY);
    JsonObject fromTheOwner = claim(6, "n1", 5L).put("dataHeld", DataEpoch.OWNER);
    DataEpoch owners = new DataEpoch(5, "5/n1", "L1", DataEpoch.OWNER);
    assertFalse(owners.coveredBy(fromACopy), "the standby may have stopped before the owner's last writes");
    assertTrue(owners.aheadOfCopy(fromACopy));
    assertTrue(new DataEpoch(5, "5/n1", "L1", DataEpoch.STANDBY).coveredBy(fromACopy), "another standby's copy");
    assertTrue(new DataEpoch(5, "5/n1", "L1", "").coveredBy(fromACopy), "a file that says not how it held the epoch");
    assertTrue(new DataEpoch(4, "4/n1", "L1", DataEpoch.OWNER).coveredBy(fromACopy), "an earlier epoch's owner");
    assertTrue(owners.coveredBy(fromTheOwner), "the life started from an owner's data of the same epoch");
    assertTrue(owners.coveredBy(claim(6, "n2", 5L)), "a claim that says not how its life's data held the epoch");
    assertTrue(new DataEpoch(5, "5/n1", "L2", DataEpoch.OWNER).coveredBy(fromACopy.copy().put("epoch", 9L)),
        "the same life: each owner took over from one in sync");
    assertFalse(owners.aheadOfCopy(fromTheOwner));
  }
}
