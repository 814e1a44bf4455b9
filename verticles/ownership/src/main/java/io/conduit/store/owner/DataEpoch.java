package io.conduit.store.owner;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * How current a store's data directory is, kept beside the data ({@code DATA-EPOCH}) because the
 * claims live only in the cluster's memory: the epoch of the owner whose data it last held in full,
 * as that owner or as a standby listed in sync with it, that owner's claim ({@code epoch/node}), and
 * the claims' <em>life</em>: the id of the fresh claim that began the run of claims it belongs to
 * (every takeover carries it on; it changes only when the claims were lost, as when the whole
 * cluster stopped).
 *
 * <p>It settles what the claims cannot after the whole cluster stopped: a store is then claimed
 * afresh by the first node to start, with its data whatever its age, and every claim of that life
 * says how current the data it started from was ({@code dataEpoch}). A node that joins later with
 * newer data must not replace it with that life's copy ({@link #coveredBy}). Fresh claims continue
 * the epochs from the data's, so that a later life's epochs pass the earlier ones.
 *
 * <p>Within one epoch the owner's data is ahead of any standby's: a standby stopped (or dropped)
 * part-way through the epoch misses what the owner wrote after it. So the file also says which of
 * the two this data was ({@code held}), and a claim says the same of the data its life started
 * from ({@code dataHeld}): the epoch's owner does not take a standby's copy of that epoch for its
 * own data.
 *
 * @param epoch the epoch (0: nothing known, e.g. a directory of an earlier version)
 * @param claim that epoch's claim, {@code epoch/node} ("" when none)
 * @param life  the life of that claim ("" when none)
 * @param held  {@link #OWNER} or {@link #STANDBY}: how this data held that epoch ("" when not said,
 *              as in a file of an earlier version)
 */
record DataEpoch(long epoch, String claim, String life, String held) {

  static final String FILE = "DATA-EPOCH";
  /** The data was the epoch's owner's: it holds all the owner wrote until it stopped. */
  static final String OWNER = "owner";
  /** The data was a standby's copy, in sync for a while: it may lack the owner's last writes. */
  static final String STANDBY = "standby";
  static final DataEpoch NONE = new DataEpoch(0, "", "", "");
  /** A copy from an owner began and has not yet been found in sync: the data may be part of one. */
  static final DataEpoch COPYING = new DataEpoch(0, "copying", "", "");

  /** The data an owner serves under its claim: the claim's epoch, {@code epoch/node} and life. */
  static DataEpoch owning(JsonObject claim) {
    return new DataEpoch(claim.getLong("epoch"), claimId(claim), claim.getString("life", ""), OWNER);
  }

  /** The data of a standby in sync with the owner whose claim this is. */
  static DataEpoch following(JsonObject claim) {
    return new DataEpoch(claim.getLong("epoch"), claimId(claim), claim.getString("life", ""), STANDBY);
  }

  static String claimId(JsonObject claim) {
    return claim.getLong("epoch") + "/" + claim.getString("node");
  }

  /**
   * Whether the owner whose claim this is holds everything this data does, so that a standby may
   * replace its data with the owner's copy: it follows that very claim (a standby that restarted);
   * or it belongs to the same life of claims, no later than the owner's (each owner of a life took
   * over from one in sync with the one before); or, from an earlier life, it is no newer than the
   * data this life started from, and not that epoch's owner's data when the life started from a
   * standby's copy of it. A claim that says nothing of its data (an owner of an earlier version)
   * is taken to hold it all, as before.
   */
  boolean coveredBy(JsonObject ownerClaim) {
    if (claim.equals(claimId(ownerClaim)) || !(ownerClaim.getValue("dataEpoch") instanceof Number from)) {
      return true;
    }
    if (!life.isEmpty() && life.equals(ownerClaim.getString("life"))) {
      return epoch <= ownerClaim.getLong("epoch");
    }
    return epoch < from.longValue() || epoch == from.longValue() && !aheadOfCopy(ownerClaim);
  }

  /**
   * Whether this is the data of the owner of the epoch that the claim's life started from, as a
   * standby held it: the standby may have stopped part-way through, and the owner went on writing.
   */
  boolean aheadOfCopy(JsonObject ownerClaim) {
    return OWNER.equals(held) && STANDBY.equals(ownerClaim.getString("dataHeld"))
        && ownerClaim.getValue("dataEpoch") instanceof Number from && epoch == from.longValue();
  }

  /** Whether the data may be part of a copy (one began and was never found in sync): not to be served as a store. */
  boolean copying() {
    return this.equals(COPYING);
  }

  /** What {@code dir} holds, {@link #NONE} when it says nothing (a directory of an earlier version). */
  static DataEpoch read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return NONE;
    }
    String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ", 4);
    try {
      return new DataEpoch(Long.parseLong(parts[0]), parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "",
          parts.length > 3 ? parts[3] : "");
    } catch (NumberFormatException e) {
      throw new IOException(file + " does not hold an epoch (\"" + String.join(" ", parts) + "\"); remove it if "
          + "this directory's data is not newer than the cluster's");
    }
  }

  /** Stores it in {@code dir}, whole or not at all, durably. */
  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve(FILE + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.writeString(tmp, (epoch + " " + claim + " " + life + " " + held).trim() + "\n", StandardCharsets.UTF_8);
      try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        c.force(true);
      }
      Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true); // the rename itself, through a power loss
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The data is about to be replaced by a copy: until the copy is found in sync, it is {@link #COPYING}. */
  static void copyBegins(Path dir) throws IOException {
    COPYING.write(dir);
  }
}
