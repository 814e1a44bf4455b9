package io.conduit.store.engine;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * The process {@link RocksEngineCrashTest} kills: writes keys 0, 1, 2, ... in batches of
 * {@link #BATCH} with up to 64 batches outstanding, and prints each key's number on its own line only
 * once its write is acknowledged.
 *
 * <p>Usage: {@code CrashWriter <dir> <durability>}
 */
public final class CrashWriter {

  static final int BATCH = 10;
  static final int MAX_KEYS = 10_000_000;

  private CrashWriter() {
  }

  static byte[] key(int n) {
    return ByteBuffer.allocate(4).putInt(n).array();
  }

  static byte[] value(int n) {
    return ("value of " + n).getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws InterruptedException {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    KeyValueEngine engine = RocksEngine.open(Path.of(args[0]), Durability.parse(args[1]));
    Semaphore outstanding = new Semaphore(64);
    for (int first = 0; first < MAX_KEYS; first += BATCH) {
      WriteBatch batch = new WriteBatch();
      StringBuilder acks = new StringBuilder();
      for (int n = first; n < first + BATCH; n++) {
        batch.put(key(n), value(n));
        acks.append(n).append('\n');
      }
      outstanding.acquire();
      engine.write(batch).whenComplete((ok, error) -> {
        if (error != null) {
          error.printStackTrace();
          System.exit(2);
        }
        out.print(acks);
        out.flush();
        outstanding.release();
      });
    }
    engine.close();
  }
}
