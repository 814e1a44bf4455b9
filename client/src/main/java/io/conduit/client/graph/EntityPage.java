package io.conduit.client.graph;

import java.util.List;

/**
 * One page of a graph in id order, as {@link Graph#exportPage} gives it.
 *
 * @param entities the nodes and edges of the page, in id order
 * @param next     the cursor to ask for the next page with, or null after the last page
 */
public record EntityPage(List<Entity> entities, Long next) {

  public EntityPage {
    entities = List.copyOf(entities);
  }
}
