package io.conduit.service;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds a service's ops once, at start: the public instance methods declared by the service class
 * and its superclasses below {@link ServiceVerticle}. Nothing inherited from the base class, Vert.x
 * or {@code Object} is ever callable, and a method is found by exact name in a fixed map — never a
 * lookup of whatever name a request carries. A method whose signature cannot be an op fails the
 * start with a sentence naming it.
 */
final class ServiceOps {

  private static final Set<Class<?>> RESULT_TYPES = Set.of(void.class, JsonObject.class, JsonArray.class,
      String.class, Buffer.class, Future.class, Boolean.class, boolean.class, Number.class, Integer.class,
      int.class, Long.class, long.class, Double.class, double.class, Float.class, float.class,
      Short.class, short.class, Byte.class, byte.class);

  private final Map<String, ServiceOp> ops;

  private ServiceOps(Map<String, ServiceOp> ops) {
    this.ops = ops;
  }

  /** The op with this name, or null. */
  ServiceOp get(String name) {
    return ops.get(name);
  }

  /** The op names, sorted, for error messages. */
  String names() {
    return String.join(", ", ops.keySet());
  }

  /**
   * Discovers the ops of {@code service}, registering meters tagged with {@code serviceTag}.
   *
   * @throws IllegalStateException naming the method when one cannot be an op, or when there are none
   */
  static ServiceOps discover(ServiceVerticle service, String serviceTag) {
    Set<String> inherited = baseSignatures();
    Map<String, ServiceOp> ops = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    for (Class<?> type = service.getClass(); type != ServiceVerticle.class; type = type.getSuperclass()) {
      for (Method method : type.getDeclaredMethods()) {
        int mods = method.getModifiers();
        if (!Modifier.isPublic(mods) || Modifier.isStatic(mods) || method.isSynthetic() || method.isBridge()) {
          continue;
        }
        String signature = signature(method);
        if (inherited.contains(signature) || !seen.add(signature)) {
          continue; // a lifecycle override, or already taken from a subclass that overrides it
        }
        String where = type.getName() + "." + method.getName();
        if (ops.containsKey(method.getName())) {
          throw new IllegalStateException(where + ": op '" + method.getName()
              + "' is declared twice; ops are called by name, so give each method its own name");
        }
        ServiceOp.Input input = input(method, where);
        if (!RESULT_TYPES.contains(method.getReturnType())) {
          throw new IllegalStateException(where + ": an op must return void, JsonObject, JsonArray, String, a number, "
              + "boolean, Buffer or a Future of one of those, not " + method.getReturnType().getSimpleName());
        }
        ops.put(method.getName(), ServiceOp.create(serviceTag, method.getName(), input, bind(lookup, method, service, input)));
      }
    }
    if (ops.isEmpty()) {
      throw new IllegalStateException(service.getClass().getName()
          + " declares no public methods, so its service would have no ops");
    }
    return new ServiceOps(ops);
  }

  private static ServiceOp.Input input(Method method, String where) {
    Class<?>[] params = method.getParameterTypes();
    if (params.length == 0) {
      return ServiceOp.Input.NONE;
    }
    if (params.length == 1 && params[0] == JsonObject.class) {
      return ServiceOp.Input.JSON;
    }
    if (params.length == 1 && params[0] == Buffer.class) {
      return ServiceOp.Input.BINARY;
    }
    throw new IllegalStateException(where + ": an op takes no parameter, one JsonObject or one Buffer, not "
        + Arrays.stream(params).map(Class::getSimpleName).toList());
  }

  private static MethodHandle bind(MethodHandles.Lookup lookup, Method method, Object target, ServiceOp.Input input) {
    try {
      method.setAccessible(true); // the class itself may be package-private; the method is public
      MethodHandle handle = lookup.unreflect(method).bindTo(target);
      MethodType type = input == ServiceOp.Input.NONE
          ? MethodType.methodType(Object.class) : MethodType.methodType(Object.class, Object.class);
      return handle.asType(type);
    } catch (IllegalAccessException | RuntimeException e) {
      throw new IllegalStateException(method + " cannot be called as an op: " + e.getMessage(), e);
    }
  }

  /** Signatures of every method the base classes declare (any visibility), which are never ops. */
  private static Set<String> baseSignatures() {
    Set<String> signatures = new HashSet<>();
    for (Class<?> type = ServiceVerticle.class; type != null; type = type.getSuperclass()) {
      for (Method method : type.getDeclaredMethods()) {
        signatures.add(signature(method));
      }
      for (Class<?> contract : type.getInterfaces()) {
        for (Method method : contract.getMethods()) {
          signatures.add(signature(method));
        }
      }
    }
    return signatures;
  }

  private static String signature(Method method) {
    return method.getName() + List.of(method.getParameterTypes());
  }
}
