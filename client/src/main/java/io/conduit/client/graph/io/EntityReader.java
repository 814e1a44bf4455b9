package io.conduit.client.graph.io;

import io.conduit.client.graph.Entity;

import java.io.Closeable;
import java.io.IOException;

/** One pass over a graph file, an entity at a time, holding no more than the entity being read. */
interface EntityReader extends Closeable {

  /**
   * The next entity the pass wants, or null at the end of the file. An edge that has no id in the
   * file has id 0 (the import gives it one). Throws {@link GraphFileException} naming the line.
   */
  Entity next() throws IOException;

  /** The line the entity {@link #next} returned starts on. */
  long line();

  /** About how many characters of the file the pass has read so far (for sizing load requests). */
  long position();
}
