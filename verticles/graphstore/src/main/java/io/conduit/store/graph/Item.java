package io.conduit.store.graph;

/** One entity in a query's current result, with the entities earlier {@code aka} steps named on its way. */
record Item(Element element, Marks marks) {

  /** A persistent list of (name, entity) pairs, newest first; shared between items, never changed. */
  record Marks(String name, Element element, Marks next) {

    static Element find(Marks marks, String name) {
      for (Marks m = marks; m != null; m = m.next) {
        if (m.name.equals(name)) {
          return m.element;
        }
      }
      return null;
    }
  }

  Item to(Element next) {
    return new Item(next, marks);
  }
}
