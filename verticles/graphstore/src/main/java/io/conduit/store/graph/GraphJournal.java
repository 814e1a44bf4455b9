package io.conduit.store.graph;

import io.conduit.store.engine.KeyValueEngine;
import io.conduit.store.engine.WriteBatch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The graph on disk, in a {@link KeyValueEngine}: each node, edge and index definition under a key of
 * its own, plus the next id. A group of operations is one engine batch of exactly the entities they
 * touched, so it is applied all or nothing, crash included: no edge without its nodes, no index
 * definition half there. Index entries are not stored; a restart rebuilds them from the entities.
 * Keys: {@code 0x01+id} node data, {@code 0x02+id} edge {@code {from, to, data}}, {@code 0x03+name}
 * index definition, {@code 0x04} next id.
 */
final class GraphJournal {

  static final byte NODE = 1;
  static final byte EDGE = 2;
  static final byte INDEX = 3;
  static final byte NEXT = 4;
  private static final byte[] NEXT_ID = {NEXT};

  private final KeyValueEngine engine;

  GraphJournal(KeyValueEngine engine) {
    this.engine = engine;
  }

  /** Writes what {@code touched} names, as the graph holds it now. */
  CompletableFuture<Void> write(GraphData graph, GraphData.Touched touched) {
    return engine.write(batch(graph, touched));
  }

  static WriteBatch batch(GraphData graph, GraphData.Touched touched) {
    WriteBatch batch = new WriteBatch();
    for (long id : touched.ids()) {
      Node node = graph.nodes.get(id);
      Edge edge = node == null ? graph.edges.get(id) : null;
      if (node != null) {
        batch.put(key(NODE, id), node.data.toBuffer().getBytes());
      } else if (edge != null) {
        batch.put(key(EDGE, id), new JsonObject().put("from", edge.from).put("to", edge.to).put("data", edge.data)
            .toBuffer().getBytes());
      } else {
        batch.delete(key(NODE, id)).delete(key(EDGE, id));
      }
    }
    for (String name : touched.indexes()) {
      Index index = graph.indexes.get(name);
      if (index == null) {
        batch.delete(indexKey(name));
      } else {
        batch.put(indexKey(name), index.definition.toJson().toBuffer().getBytes());
      }
    }
    return batch.put(NEXT_ID, ByteBuffer.allocate(8).putLong(graph.nextId()).array());
  }

  /** What a restart found. */
  record Recovered(GraphData graph, long millis) {
  }

  /** Reads the whole graph and rebuilds its indexes. Blocking: call from a worker. */
  Recovered recover() {
    long start = System.nanoTime();
    GraphData graph = new GraphData();
    long[] count = {0};
    engine.scan(new byte[] {NODE}, new byte[] {NODE + 1}, (key, value) -> {
      graph.insertNode(new Node(id(key), new JsonObject(Buffer.buffer(value))));
      forgetUndo(graph, ++count[0]);
      return true;
    });
    engine.scan(new byte[] {EDGE}, new byte[] {EDGE + 1}, (key, value) -> {
      JsonObject e = new JsonObject(Buffer.buffer(value));
      graph.insertEdge(new Edge(id(key), e.getLong("from"), e.getLong("to"), e.getJsonObject("data")));
      forgetUndo(graph, ++count[0]);
      return true;
    });
    engine.scan(new byte[] {INDEX}, new byte[] {INDEX + 1}, (key, value) -> {
      Index index = graph.indexes.create(IndexDefinition.parse(new JsonObject(Buffer.buffer(value)),
          FilterLimits.NONE)); // checked against the store's limits when it was created
      graph.nodes.values().forEach(index::add);
      graph.edges.values().forEach(index::add);
      index.building = false;
      return true;
    });
    byte[] next = engine.get(NEXT_ID);
    if (next != null) {
      graph.reserveIdsThrough(ByteBuffer.wrap(next).getLong() - 1);
    }
    graph.commit();
    graph.takeTouched();
    return new Recovered(graph, (System.nanoTime() - start) / 1_000_000);
  }

  private static void forgetUndo(GraphData graph, long count) {
    if (count % 10_000 == 0) {
      graph.commit();
      graph.takeTouched();
    }
  }

  private static byte[] key(byte kind, long id) {
    return ByteBuffer.allocate(9).put(kind).putLong(id).array();
  }

  static long id(byte[] key) {
    return ByteBuffer.wrap(key, 1, 8).getLong();
  }

  private static byte[] indexKey(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[n.length + 1];
    key[0] = INDEX;
    System.arraycopy(n, 0, key, 1, n.length);
    return key;
  }
}
