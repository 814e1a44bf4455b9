/**
 * The graph store: {@link io.conduit.store.graph.GraphStoreVerticle} serves a graph of nodes and
 * edges with JSON data at an event-bus address; {@link io.conduit.store.graph.EmbeddedGraph} runs the
 * same store inside a JVM; {@link io.conduit.store.graph.GraphScript} is the server-script interface.
 * Requests, steps and lookups: docs/graph.md.
 */
package io.conduit.store.graph;
