package io.conduit.client.graph.io;

import io.conduit.client.graph.Entity;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GraphSON 3.0 both ways, in the adjacency-list form TinkerPop's {@code GraphSONWriter.writeGraph}
 * writes and {@code GraphSONReader.readGraph} reads. Export writes a page of nodes at a time, asking
 * the store for their edges in and out; it holds one page's edges, so a node's edges must fit in
 * memory (TinkerPop's reader holds a whole line too). Import reads the {@code inE} lists as
 * TinkerPop does, or the {@code outE} lists when a file has no {@code inE} ({@link EdgeLists}).
 */
final class GraphSONFormat implements FileFormat {

  private final EdgeLists edgeLists = new EdgeLists();

  @Override
  public GraphCounts export(StoreReader store, OutputStream out) throws IOException {
    BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
    GraphSONWriter writer = new GraphSONWriter(buffered);
    List<Entity> page = new ArrayList<>();
    long[] counts = new long[2];
    store.forEach(e -> {
      if (e.isNode()) {
        page.add(e);
        if (page.size() == StoreReader.PAGE) {
          counts[1] += writePage(store, writer, page);
          counts[0] += page.size();
          page.clear();
        }
      }
    });
    counts[1] += writePage(store, writer, page);
    counts[0] += page.size();
    writer.finish();
    buffered.flush();
    return new GraphCounts(counts[0], counts[1]);
  }

  /** Writes the nodes' lines; how many edges they had going out (each edge leaves one node). */
  private static long writePage(StoreReader store, GraphSONWriter writer, List<Entity> nodes) throws IOException {
    if (nodes.isEmpty()) {
      return 0;
    }
    List<Long> ids = nodes.stream().map(Entity::id).toList();
    Map<Long, List<Entity>> in = store.edges(ids, false);
    Map<Long, List<Entity>> out = store.edges(ids, true);
    long edges = 0;
    for (Entity node : nodes) {
      List<Entity> leaving = out.get(node.id());
      writer.writeVertex(node, in.get(node.id()), leaving);
      edges += leaving.size();
    }
    return edges;
  }

  @Override
  public EntityReader open(InputStream in, ReadPass pass) throws IOException {
    return new GraphSONReader(in, pass, edgeLists);
  }
}
