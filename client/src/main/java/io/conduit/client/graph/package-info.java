/**
 * The Java API of Conduit's graph store: the fluent {@link io.conduit.client.graph.Graph} and
 * {@link io.conduit.client.graph.GraphQuery}, the same over the event bus, through the bridge and on
 * an embedded graph. No server code lives here.
 */
package io.conduit.client.graph;
