package io.conduit.deploy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** A test service: answers with its own identity on the address in its config. */
public class Pong extends VerticleBase {

  @Override
  public Future<?> start() {
    String me = "pong-" + System.identityHashCode(this);
    return vertx.eventBus().consumer(config().getString("address"), m -> m.reply(me)).completion();
  }

  static ServiceSpec spec(String name, int instances) {
    return spec(name, Instances.fixed(instances));
  }

  static ServiceSpec spec(String name, Instances instances) {
    return new ServiceSpec(name, Pong.class.getName(), instances, Threading.EVENT_LOOP,
        new JsonObject().put("address", name));
  }
}
