package io.conduit.task;

import io.conduit.codec.Quoted;

import java.lang.reflect.Constructor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The handler classes a queue runs, loaded and checked at start so a bad name fails the deployment. */
final class TaskHandlers {

  private final Map<String, Constructor<? extends TaskHandler>> byName;

  private TaskHandlers(Map<String, Constructor<? extends TaskHandler>> byName) {
    this.byName = byName;
  }

  static TaskHandlers load(Map<String, String> classes) {
    Map<String, Constructor<? extends TaskHandler>> byName = new LinkedHashMap<>();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    classes.forEach((name, className) -> {
      Class<?> type;
      try {
        type = Class.forName(className, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalArgumentException("task '" + name + "': handler class " + className
            + " is not on the classpath");
      }
      if (!TaskHandler.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException("task '" + name + "': " + className + " does not implement "
            + TaskHandler.class.getName());
      }
      try {
        Constructor<? extends TaskHandler> c = type.asSubclass(TaskHandler.class).getConstructor();
        c.newInstance();
        byName.put(name, c);
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException("task '" + name + "': " + className
            + " needs a public no-argument constructor that succeeds (" + e + ")");
      }
    });
    return new TaskHandlers(byName);
  }

  boolean knows(String name) {
    return byName.containsKey(name);
  }

  Set<String> names() {
    return byName.keySet();
  }

  /** A fresh handler instance for one attempt (or one validation). */
  TaskHandler create(String name) {
    Constructor<? extends TaskHandler> c = byName.get(name);
    if (c == null) {
      throw new IllegalArgumentException("unknown task " + Quoted.text(name));
    }
    try {
      return c.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("task '" + name + "': could not create its handler: " + e, e);
    }
  }
}
