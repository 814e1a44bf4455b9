package io.conduit.web.graph;

import io.conduit.client.graph.io.GraphFormat;
import io.conduit.web.ApiExtension;
import io.conduit.web.StreamedUpload;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Puts the graph stores' file routes under {@code /api/graph} ({@link GraphRoutes}); listed in
 * {@code META-INF/services/io.conduit.web.ApiExtension}. The import route takes its body as a
 * streamed upload of a graph file, not as a JSON request.
 */
public final class GraphApi implements ApiExtension {

  @Override
  public void mount(Vertx vertx, Router api) {
    api.route("/graph/*").subRouter(GraphRoutes.router(vertx));
  }

  @Override
  public List<StreamedUpload> uploads() {
    return List.of(new StreamedUpload(Pattern.compile("/graph/[^/]+/import"), List.of(
        GraphFormat.GRAPHML.mediaType(), "application/xml", "text/xml", GraphFormat.JSON.mediaType(),
        "application/json", "application/octet-stream")));
  }
}
