package io.conduit.client.graph.io;

import javax.xml.stream.XMLStreamException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * GraphML both ways. Export reads the graph twice: once for the keys, which GraphML declares before
 * the first node, then to write it; a field that gains a new type of value in between fails the
 * export with 409. Import takes what GraphML has and a Conduit graph can hold (see {@link GraphMLReader}).
 */
final class GraphMLFormat implements FileFormat {

  @Override
  public GraphCounts export(StoreReader store, OutputStream out) throws IOException {
    GraphMLKeys keys = new GraphMLKeys();
    store.forEach(keys::observe);
    BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
    long[] counts = new long[2];
    try {
      GraphMLWriter writer = new GraphMLWriter(buffered, keys, keys.declare());
      store.forEach(e -> {
        try {
          writer.write(e);
        } catch (XMLStreamException x) {
          throw failed(x);
        }
        counts[e.isNode() ? 0 : 1]++;
      });
      writer.finish();
    } catch (XMLStreamException x) {
      throw failed(x);
    }
    buffered.flush();
    return new GraphCounts(counts[0], counts[1]);
  }

  /** The writer fails only when the stream under it does. */
  private static IOException failed(XMLStreamException x) {
    return x.getNestedException() instanceof IOException io ? io : new IOException("writing GraphML failed: " + x.getMessage(), x);
  }

  @Override
  public EntityReader open(InputStream in, ReadPass pass) throws IOException {
    return new GraphMLReader(in, pass);
  }
}
