package io.conduit.deploy;

import io.vertx.core.ThreadingModel;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a service's instances run, as written in a deployment file. */
public enum Threading {
  /** On an event loop: for non-blocking code. */
  EVENT_LOOP("event-loop", ThreadingModel.EVENT_LOOP),
  /** On the worker pool: blocking calls are allowed. */
  WORKER("worker", ThreadingModel.WORKER),
  /** On virtual threads (Java 21+): blocking calls are cheap. */
  VIRTUAL("virtual", ThreadingModel.VIRTUAL_THREAD);

  private final String label;
  private final ThreadingModel model;

  Threading(String label, ThreadingModel model) {
    this.label = label;
    this.model = model;
  }

  public String label() {
    return label;
  }

  public ThreadingModel model() {
    return model;
  }

  /** Parses the deployment-file spelling; the message lists the accepted ones. */
  public static Threading parse(String text) {
    for (Threading t : values()) {
      if (t.label.equals(text)) {
        return t;
      }
    }
    throw new IllegalArgumentException("must be one of " + Arrays.stream(values()).map(t -> "'" + t.label + "'")
        .collect(Collectors.joining(", ")) + ", got '" + text + "'");
  }

  /** Fails with a sentence a person can act on when this JVM cannot run the model. */
  public void checkSupported() {
    int feature = Runtime.version().feature();
    if (this == VIRTUAL && feature < 21) {
      throw new IllegalArgumentException("threading 'virtual' needs Java 21 or newer, this JVM is Java " + feature
          + "; use 'worker', or run Conduit on a newer JDK (set JAVA_HOME)");
    }
  }
}
