package io.conduit.web;

import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A route that takes its POST body as an upload (a graph file) instead of a JSON request: its route
 * reads the body as a stream, so the API's 1 MB body limit and in-memory body do not apply, and its
 * Content-Type must be one of {@code mediaTypes} rather than JSON (the access rules still refuse the
 * types an HTML form can send, so another web page cannot post one). See {@link ApiExtension#uploads}.
 *
 * @param path       the paths it serves under {@code /api}, as a regular expression ({@code /graph/[^/]+/import})
 * @param mediaTypes the Content-Types it accepts (parameters such as {@code ; charset=utf-8} aside)
 */
public record StreamedUpload(Pattern path, List<String> mediaTypes) {

  /** The types a cross-site HTML form can send without asking the console first. */
  private static final List<String> FORM_TYPES = List.of("application/x-www-form-urlencoded", "multipart/form-data",
      "text/plain");

  public StreamedUpload {
    mediaTypes = List.copyOf(mediaTypes);
    for (String type : mediaTypes) {
      if (FORM_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("an upload's type cannot be " + type + ", which any web page can post");
      }
    }
  }

  /** True when this is a POST to one of these paths. */
  boolean matches(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    return ctx.request().method() == io.vertx.core.http.HttpMethod.POST && path.startsWith("/api/")
        && this.path.matcher(path.substring(4)).matches();
  }

  /** True when a Content-Type header is one of the accepted types. */
  boolean accepts(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return mediaTypes.stream().anyMatch(t -> t.equalsIgnoreCase(type));
  }
}
