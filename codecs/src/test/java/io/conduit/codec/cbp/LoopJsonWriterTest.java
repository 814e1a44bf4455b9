package io.conduit.codec.cbp;

import com.fasterxml.jackson.core.JsonFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The generator an event loop keeps writes each value exactly as a fresh one does: no separator
 * between values, nothing left over from a value that failed half-way or from a large one.
 */
class LoopJsonWriterTest {

  private final LoopJsonWriter writer = new LoopJsonWriter(new JsonFactory());

  /** Runs {@code test} on a thread like an event loop's (a FastThreadLocalThread), failing with its failure. */
  private static void onLoopThread(ThrowingRunnable test) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread loop = new FastThreadLocalThread(() -> {
      try {
        test.run();
        done.complete(null);
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    loop.start();
    try {
      done.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw (Error) e.getCause();
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private String written(Object value) throws Exception {
    return new String(writer.write(value), StandardCharsets.UTF_8);
  }

  private static JsonObject randomObject(Random random, int depth) {
    JsonObject o = new JsonObject();
    int fields = random.nextInt(4);
    for (int i = 0; i < fields; i++) {
      o.put("k" + random.nextInt(100) + (random.nextBoolean() ? "\"é\n" : ""), randomValue(random, depth + 1));
    }
    return o;
  }

  private static Object randomValue(Random random, int depth) {
    int kind = depth > 3 ? random.nextInt(5) : random.nextInt(7);
    return switch (kind) {
      case 0 -> null;
      case 1 -> random.nextLong();
      case 2 -> random.nextDouble();
      case 3 -> random.nextBoolean();
      case 4 -> "s\u0000\\/" + random.nextInt();
      case 5 -> randomObject(random, depth);
      default -> {
        JsonArray a = new JsonArray();
        for (int i = random.nextInt(4); i > 0; i--) {
          a.add(randomValue(random, depth + 1));
        }
        yield a;
      }
    };
  }

  @Test
  void onALoopEveryValueIsWhatAFreshEncoderWrites() throws Exception {
    onLoopThread(() -> {
      Random random = new Random(11);
      for (int i = 0; i < 20_000; i++) {
        Object value = random.nextInt(5) == 0 ? new JsonArray().add(randomValue(random, 1)) : randomObject(random, 0);
        assertEquals(Json.encode(value), written(value), "value " + i);
      }
    });
  }

  @Test
  void offALoopTheSameBytes() throws Exception {
    JsonObject value = new JsonObject().put("value", "0123456789").put("list", new JsonArray().add(1).add("two"));
    assertEquals(Json.encode(value), written(value));
    assertEquals(Json.encode(value), written(value));
  }

  @Test
  void aValueThatFailsHalfWayLeavesNothingBehind() throws Exception {
    onLoopThread(() -> {
      JsonObject good = new JsonObject().put("value", 1);
      assertEquals("{\"value\":1}", written(good));
      // the generator is inside {"a":[1, when the encoder meets a type it cannot write
      JsonObject bad = new JsonObject().put("a", new JsonArray().add(1).add(new Object()));
      assertThrows(EncodeException.class, () -> writer.write(bad));
      assertEquals("{\"value\":1}", written(good));
      assertEquals("[2]", written(new JsonArray().add(2)));
    });
  }

  @Test
  void aValueWhoseOwnCodeEncodesAnotherMeanwhileGetsBothRight() throws Exception {
    onLoopThread(() -> {
      java.util.concurrent.atomic.AtomicReference<String> inner = new java.util.concurrent.atomic.AtomicReference<>();
      Map<String, Object> map = new java.util.LinkedHashMap<>() {
        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
          if (inner.get() == null) { // a map whose iteration encodes something of its own, on this thread
            try {
              inner.set(written(new JsonObject().put("inner", 1)));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
          return super.entrySet();
        }
      };
      map.put("outer", 2);
      assertEquals("{\"outer\":2}", written(new JsonObject(map)));
      assertEquals("{\"inner\":1}", inner.get());
      assertEquals("[3]", written(new JsonArray().add(3)));
    });
  }

  @Test
  void aLargeValueAndSmallOnesAfterIt() throws Exception {
    onLoopThread(() -> {
      List<Object> items = new ArrayList<>();
      for (int i = 0; i < 40_000; i++) {
        items.add("item " + i);
      }
      JsonArray large = new JsonArray(items);
      String expected = Json.encode(large);
      assertEquals(true, expected.length() > LoopJsonWriter.KEPT_BYTES, "larger than what a loop keeps");
      assertEquals(expected, written(large));
      assertEquals("{\"n\":1}", written(new JsonObject().put("n", 1)));
      assertEquals(expected, written(large));
      assertEquals("{\"n\":2}", written(new JsonObject().put("n", 2)));
    });
  }
}
