package io.conduit.client.graph.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What a format does, both ways. A new instance serves one export or one import: a format may carry
 * what the check pass learned about a file to the passes that load it.
 */
interface FileFormat {

  /** Writes the whole graph {@code store} reads, in this format; does not close {@code out}. */
  GraphCounts export(StoreReader store, OutputStream out) throws IOException;

  /** Starts one pass over a file (the caller closes the reader, which closes {@code in}). */
  EntityReader open(InputStream in, ReadPass pass) throws IOException;
}
