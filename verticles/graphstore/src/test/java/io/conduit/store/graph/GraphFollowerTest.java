package io.conduit.store.graph;

import io.conduit.store.engine.EngineStats;
import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.MemoryEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A standby's graph, built from the owner's copy and then from each replicated batch alone, answers
 * every read as the owner does: nodes, edges, their data, removals with their edges, indexes made
 * and dropped, and the next id.
 */
class GraphFollowerTest {

  /** The owner's engine, handing each batch it writes (encoded and decoded, as on the wire) to the follower. */
  private final class Forwarding implements KeyValueEngine {
    final MemoryEngine inner = new MemoryEngine();

    @Override
    public byte[] get(byte[] key) {
      return inner.get(key);
    }

    @Override
    public void scan(byte[] from, byte[] to, BiPredicate<byte[], byte[]> visitor) {
      inner.scan(from, to, visitor);
    }

    @Override
    public CompletableFuture<Void> write(WriteBatch batch) {
      GraphFollower.apply(follower, WriteBatch.decode(batch.encode()), Runnable::run);
      return inner.write(batch);
    }

    @Override
    public EngineStats stats() {
      return inner.stats();
    }

    @Override
    public String describe() {
      return "forwarding";
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private final GraphStoreOptions options = GraphStoreOptions.fromJson(new JsonObject());
  private final GraphData owner = new GraphData();
  private GraphData follower = new GraphData();
  private final Forwarding engine = new Forwarding();
  private final GraphStore store = new GraphStore("owner", owner, new GraphJournal(engine), options, Map.of(),
      Runnable::run);

  private JsonObject send(String json) {
    Object outcome = GraphCalls.submit(store, json);
    return assertInstanceOf(JsonObject.class, outcome, () -> json + " failed: " + outcome);
  }

  private void assertSameReads() {
    GraphOps ours = new GraphOps(owner, options, Map.of());
    GraphOps theirs = new GraphOps(follower, options, Map.of());
    for (String read : new String[] {
        "{\"op\":\"info\"}",
        "{\"op\":\"listIndexes\"}",
        "{\"op\":\"export\",\"limit\":10000}",
        "{\"op\":\"query\",\"steps\":[[\"V\",{\"kind\":\"hub\"}],[\"outV\"],[\"data\"]]}",
        "{\"op\":\"query\",\"steps\":[[\"E\",{\"rel\":\"x\"}],[\"count\"]]}",
        "{\"op\":\"query\",\"steps\":[[\"V\"],[\"inE\"],[\"data\"]]}"}) {
      assertEquals(ours.read(new JsonObject(read)), theirs.read(new JsonObject(read)), read);
    }
  }

  @Test
  void everyKindOfWriteReachesTheStandbysGraph() {
    send("{\"op\":\"addNodes\",\"items\":[{\"kind\":\"hub\"},{\"kind\":\"leaf\",\"n\":1},{\"kind\":\"leaf\",\"n\":2}]}");
    send("{\"op\":\"addEdges\",\"items\":[{\"from\":1,\"to\":2,\"data\":{\"rel\":\"x\"}},"
        + "{\"from\":1,\"to\":3,\"data\":{\"rel\":\"y\"}},{\"from\":3,\"to\":3,\"data\":{\"rel\":\"x\"}}]}");
    send("{\"op\":\"createIndex\",\"on\":\"node\",\"fields\":[\"kind\"]}");
    send("{\"op\":\"createIndex\",\"on\":\"edge\",\"fields\":[\"rel\"]}");
    assertSameReads();
    send("{\"op\":\"update\",\"id\":2,\"data\":{\"kind\":\"hub\",\"n\":9}}");
    send("{\"op\":\"update\",\"id\":5,\"data\":{\"rel\":\"x\",\"w\":2}}");
    assertSameReads();
    send("{\"op\":\"remove\",\"id\":3}"); // a node with an edge in, and a self-loop
    send("{\"op\":\"dropIndex\",\"name\":\"" + ((JsonObject) new GraphOps(owner, options, Map.of())
        .read(new JsonObject("{\"op\":\"listIndexes\"}")).getJsonArray("indexes").getValue(0)).getString("name") + "\"}");
    assertSameReads();
  }

  @Test
  void aStandbyStartedFromACopyThenFollowingMatchesOverManyRandomWrites() {
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      send("{\"op\":\"addNode\",\"data\":{\"kind\":\"" + (i % 3 == 0 ? "hub" : "leaf") + "\",\"n\":" + i + "}}");
    }
    // a standby that attaches now: its graph is what recovery makes of the owner's data
    follower = new GraphJournal(engine.inner).recover().graph();
    send("{\"op\":\"createIndex\",\"on\":\"node\",\"fields\":[\"n\"]}");
    for (int i = 0; i < 500; i++) {
      long a = 1 + random.nextInt(200);
      long b = 1 + random.nextInt(200);
      switch (random.nextInt(4)) {
        case 0 -> send("{\"op\":\"addNode\",\"data\":{\"kind\":\"leaf\",\"n\":" + (1000 + i) + "}}");
        case 1 -> sendIfNodes(a, b, "{\"op\":\"addEdge\",\"from\":" + a + ",\"to\":" + b + ",\"data\":{\"rel\":\""
            + (i % 2 == 0 ? "x" : "y") + "\"}}");
        case 2 -> sendIfNodes(a, a, "{\"op\":\"update\",\"id\":" + a + ",\"data\":{\"kind\":\"hub\",\"n\":" + i + "}}");
        default -> sendIfNodes(a, a, "{\"op\":\"remove\",\"id\":" + a + "}");
      }
    }
    assertSameReads();
  }

  private void sendIfNodes(long a, long b, String json) {
    if (owner.nodes.containsKey(a) && owner.nodes.containsKey(b)) {
      send(json);
    }
  }
}
