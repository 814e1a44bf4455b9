/**
 * Graph files: a graph store to a file and back, keeping the ids, in the formats other graph tools
 * read ({@link io.conduit.client.graph.io.GraphFormat}: GraphML, GraphSON 3.0, JSON lines). The
 * public face is {@link io.conduit.client.graph.io.GraphExport#write},
 * {@link io.conduit.client.graph.io.GraphImport#load} and the
 * {@link io.conduit.client.graph.io.GraphFileException} a file that cannot be read fails with; one
 * class per format ({@code GraphMLFormat}, {@code GraphSONFormat}, {@code JsonLinesFormat}) with its
 * reader and writer beside it. Both ways stream: memory does not grow with the graph.
 */
package io.conduit.client.graph.io;
