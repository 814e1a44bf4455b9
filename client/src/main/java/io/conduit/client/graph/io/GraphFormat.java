package io.conduit.client.graph.io;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The graph file formats Conduit reads and writes (docs/graph.md, "Dump and load"):
 * <ul>
 *   <li>{@link #GRAPHML}: GraphML with a typed key per field and type, as NetworkX, Gephi and yEd read it;</li>
 *   <li>{@link #GRAPHSON}: TinkerPop's GraphSON 3.0, typed, one vertex per line with its edges, as
 *   {@code GraphSONWriter.writeGraph} writes it and {@code GraphSONReader.readGraph} reads it;</li>
 *   <li>{@link #JSON}: Conduit's own dump, one entity per line as the store's {@code export} gives it.</li>
 * </ul>
 */
public enum GraphFormat {

  GRAPHML("graphml", "application/graphml+xml", ".graphml", GraphMLFormat::new),
  GRAPHSON("graphson", "application/x-ndjson", ".graphson", GraphSONFormat::new),
  JSON("json", "application/x-ndjson", ".jsonl", JsonLinesFormat::new);

  private final String id;
  private final String mediaType;
  private final String extension;
  private final Supplier<FileFormat> create;

  GraphFormat(String id, String mediaType, String extension, Supplier<FileFormat> create) {
    this.id = id;
    this.mediaType = mediaType;
    this.extension = extension;
    this.create = create;
  }

  /** The name users give it: {@code graphml}, {@code graphson}, {@code json}. */
  public String id() {
    return id;
  }

  /** The Content-Type of a file in this format. */
  public String mediaType() {
    return mediaType;
  }

  /** The file name ending that names this format ({@code .graphml}, {@code .graphson}, {@code .jsonl}). */
  public String extension() {
    return extension;
  }

  /** The format called {@code name} (any case); IllegalArgumentException naming the formats otherwise. */
  public static GraphFormat named(String name) {
    for (GraphFormat f : values()) {
      if (f.id.equalsIgnoreCase(name == null ? "" : name.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown graph format '" + name + "' (expected " + names() + ")");
  }

  /** The format a file name's ending names ({@code .graphml}; also {@code .ndjson} for JSON lines), if any. */
  public static Optional<GraphFormat> ofFileName(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".ndjson")) {
      return Optional.of(JSON);
    }
    return Arrays.stream(values()).filter(f -> lower.endsWith(f.extension)).findFirst();
  }

  /** {@code graphml, graphson or json}. */
  public static String names() {
    String all = Arrays.stream(values()).map(GraphFormat::id).collect(Collectors.joining(", "));
    int last = all.lastIndexOf(", ");
    return all.substring(0, last) + " or " + all.substring(last + 2);
  }

  FileFormat newFileFormat() {
    return create.get();
  }
}
