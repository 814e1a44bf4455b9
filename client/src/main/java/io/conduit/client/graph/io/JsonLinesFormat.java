package io.conduit.client.graph.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Conduit's own dump: one entity per line, exactly as the store's {@code export} gives it
 * ({@code {"id", "kind", "from"?, "to"?, "data"}}), in id order. Nothing is lost or converted.
 */
final class JsonLinesFormat implements FileFormat {

  @Override
  public GraphCounts export(StoreReader store, OutputStream out) throws IOException {
    Writer lines = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    long[] counts = new long[2];
    store.forEach(e -> {
      lines.write(e.toJson().encode());
      lines.write('\n');
      counts[e.isNode() ? 0 : 1]++;
    });
    lines.flush();
    return new GraphCounts(counts[0], counts[1]);
  }

  @Override
  public EntityReader open(InputStream in, ReadPass pass) {
    return new JsonLinesReader(in, pass);
  }
}
