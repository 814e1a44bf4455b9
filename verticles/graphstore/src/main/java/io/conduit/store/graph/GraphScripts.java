package io.conduit.store.graph;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loads the {@link GraphScript} classes a config names, failing with a sentence for each kind of mistake. */
final class GraphScripts {

  private GraphScripts() {
  }

  static Map<String, GraphScript> load(List<String> classNames) {
    Map<String, GraphScript> scripts = new LinkedHashMap<>();
    for (String className : classNames) {
      Object instance;
      try {
        instance = Class.forName(className, true, Thread.currentThread().getContextClassLoader())
            .getConstructor().newInstance();
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException("graph store: script class " + className + " is not on the class path");
      } catch (ReflectiveOperationException | LinkageError e) {
        throw new IllegalArgumentException("graph store: script class " + className
            + " needs a public no-argument constructor that succeeds (" + e + ")");
      }
      if (!(instance instanceof GraphScript script)) {
        throw new IllegalArgumentException("graph store: script class " + className + " does not implement "
            + GraphScript.class.getName());
      }
      if (script.name() == null || script.name().isBlank() || scripts.containsKey(script.name())) {
        throw new IllegalArgumentException("graph store: script class " + className + " has a blank or duplicate name '"
            + script.name() + "'");
      }
      scripts.put(script.name(), script);
    }
    return Map.copyOf(scripts);
  }
}
