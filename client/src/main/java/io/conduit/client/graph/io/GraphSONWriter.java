package io.conduit.client.graph.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.conduit.client.graph.Entity;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GraphSON 3.0 as TinkerPop's {@code GraphSONWriter.writeGraph} does: one vertex per line,
 * {@code {"id", "label", "inE", "outE", "properties"}}, each edge under both its vertices (grouped by
 * label) with its properties, ids as {@code g:Int64}. A string field {@code label} is the element's
 * label; without one a node is labelled {@code vertex} and an edge {@code edge}, TinkerPop's defaults.
 */
final class GraphSONWriter {

  static final String NODE_LABEL = "vertex";
  static final String EDGE_LABEL = "edge";
  static final String LABEL_FIELD = "label";
  private static final JsonFactory FACTORY = new JsonFactory().setRootValueSeparator(null); // lines end in '\n'

  private final JsonGenerator g;
  /** Vertex properties have ids in GraphSON; these are unique in the file. */
  private long propertyId;

  GraphSONWriter(OutputStream out) throws IOException {
    this.g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
  }

  void writeVertex(Entity node, List<Entity> in, List<Entity> out) throws IOException {
    g.writeStartObject();
    g.writeFieldName("id");
    GraphSONValues.writeId(g, node.id());
    g.writeStringField("label", label(node, NODE_LABEL));
    edges("inE", "outV", in, true);
    edges("outE", "inV", out, false);
    boolean any = false;
    for (Map.Entry<String, Object> field : node.data()) {
      if (isLabel(node, field.getKey(), NODE_LABEL)) {
        continue;
      }
      if (!any) {
        g.writeObjectFieldStart("properties");
        any = true;
      }
      g.writeArrayFieldStart(field.getKey());
      g.writeStartObject();
      g.writeFieldName("id");
      GraphSONValues.writeId(g, propertyId++);
      g.writeFieldName("value");
      GraphSONValues.write(g, field.getValue());
      g.writeEndObject();
      g.writeEndArray();
    }
    if (any) {
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeRaw('\n');
  }

  private void edges(String field, String otherEnd, List<Entity> edges, boolean incoming) throws IOException {
    if (edges.isEmpty()) {
      return;
    }
    Map<String, List<Entity>> byLabel = new LinkedHashMap<>();
    for (Entity e : edges) {
      byLabel.computeIfAbsent(label(e, EDGE_LABEL), l -> new ArrayList<>()).add(e);
    }
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, List<Entity>> group : byLabel.entrySet()) {
      g.writeArrayFieldStart(group.getKey());
      for (Entity e : group.getValue()) {
        g.writeStartObject();
        g.writeFieldName("id");
        GraphSONValues.writeId(g, e.id());
        g.writeFieldName(otherEnd);
        GraphSONValues.writeId(g, incoming ? e.from() : e.to());
        boolean any = false;
        for (Map.Entry<String, Object> p : e.data()) {
          if (isLabel(e, p.getKey(), EDGE_LABEL)) {
            continue;
          }
          if (!any) {
            g.writeObjectFieldStart("properties");
            any = true;
          }
          g.writeFieldName(p.getKey());
          GraphSONValues.write(g, p.getValue());
        }
        if (any) {
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** The element's label: its string field {@code label}, else TinkerPop's default for its kind. */
  private static String label(Entity e, String otherwise) {
    return e.data().getValue(LABEL_FIELD) instanceof String s ? s : otherwise;
  }

  /**
   * True when the field is the one written as the element's label. A label equal to the default is
   * also written as a property, or it would read back as no label at all.
   */
  private static boolean isLabel(Entity e, String field, String defaultLabel) {
    return field.equals(LABEL_FIELD) && e.data().getValue(LABEL_FIELD) instanceof String s && !s.equals(defaultLabel);
  }

  void finish() throws IOException {
    g.flush();
  }
}
