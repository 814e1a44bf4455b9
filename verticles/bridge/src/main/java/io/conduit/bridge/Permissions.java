package io.conduit.bridge;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An allow-list of event-bus addresses, like Vert.x's {@code PermittedOptions}: exact names and
 * regular expressions. A list that was not configured permits everything; an empty one nothing.
 * Immutable, so any bridge instance's event loop can consult it.
 */
public final class Permissions {

  private final boolean everything;
  private final Set<String> names;
  private final List<Pattern> patterns;

  private Permissions(boolean everything, Set<String> names, List<Pattern> patterns) {
    this.everything = everything;
    this.names = Set.copyOf(names);
    this.patterns = List.copyOf(patterns);
  }

  public static Permissions everything() {
    return new Permissions(true, Set.of(), List.of());
  }

  /**
   * Reads a list whose entries are an address ({@code "echo"}), {@code {"address": "echo"}} or
   * {@code {"regex": "pipeline\\..+"}}; {@code field} names the list in error messages.
   */
  public static Permissions parse(JsonArray entries, String field) {
    Set<String> names = new HashSet<>();
    List<Pattern> patterns = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Object e = entries.getValue(i);
      String where = field + "[" + i + "]";
      if (e instanceof String s) {
        names.add(s);
      } else if (e instanceof JsonObject o && o.getValue("address") instanceof String s && o.size() == 1) {
        names.add(s);
      } else if (e instanceof JsonObject o && o.getValue("regex") instanceof String r && o.size() == 1) {
        try {
          patterns.add(Pattern.compile(r));
        } catch (PatternSyntaxException x) {
          throw new IllegalArgumentException(where + ": invalid regex '" + r + "': " + x.getDescription());
        }
      } else {
        throw new IllegalArgumentException(where + ": must be an address string, {\"address\": ...} or {\"regex\": ...}");
      }
    }
    return new Permissions(false, names, patterns);
  }

  /** True when an entry names {@code address} itself (not a regex, not the permit-all default). */
  public boolean names(String address) {
    return names.contains(address);
  }

  public boolean permits(String address) {
    if (everything || names.contains(address)) {
      return true;
    }
    for (Pattern p : patterns) {
      if (p.matcher(address).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when an entry of this configured list was written for {@code address} inside
   * {@code namespace} (e.g. {@code "conduit."}): its exact name, or a regex whose text begins with the
   * namespace ({@code conduit\.node\..+}). The permit-all default and catch-alls such as {@code .*}
   * do not count, so opening a protected namespace always takes an entry that names it.
   */
  public boolean namesWithin(String address, String namespace) {
    if (everything || !address.startsWith(namespace)) {
      return false;
    }
    if (names.contains(address)) {
      return true;
    }
    for (Pattern p : patterns) {
      String text = p.pattern().startsWith("^") ? p.pattern().substring(1) : p.pattern();
      if (text.replace("\\.", ".").startsWith(namespace) && p.matcher(address).matches()) {
        return true;
      }
    }
    return false;
  }

  /** True when this list was configured (an explicit allow-list), not the permit-all default. */
  public boolean explicit() {
    return !everything;
  }
}
