package io.conduit.client.graph.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.conduit.client.graph.Entity;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads GraphSON 3.0 vertex lines with Jackson's streaming parser, one token at a time, so a
 * vertex's edges are handed on as they are read. Ids must be positive whole numbers (g:Int32 or
 * g:Int64); a vertex property has one value and no meta-properties; an element's label other than
 * TinkerPop's default becomes its {@code label} field. Anything else is refused with its line.
 */
final class GraphSONReader implements EntityReader {

  private static final JsonFactory FACTORY = new JsonFactory();

  /** Where the parser is in the structure of a line. */
  private enum State { BETWEEN_VERTICES, IN_VERTEX, IN_EDGE_LABELS, IN_EDGE_LIST }

  private final JsonParser p;
  private final ReadPass pass;
  private final EdgeLists lists;
  private final boolean loadIncoming;
  private State state = State.BETWEEN_VERTICES;
  private long vertexId;
  private long vertexLine;
  private String vertexLabel;
  private JsonObject vertexData;
  private boolean incoming;
  private String edgeLabel;
  private long entityLine;

  GraphSONReader(InputStream in, ReadPass pass, EdgeLists lists) throws IOException {
    this.p = FACTORY.createParser(in);
    this.pass = pass;
    this.lists = lists;
    this.loadIncoming = lists.loadFromIn();
  }

  @Override
  public Entity next() throws IOException {
    try {
      while (true) {
        Entity e = null;
        if (state == State.BETWEEN_VERTICES) {
          if (!startVertex()) {
            if (pass == ReadPass.CHECK) {
              lists.checkAgree();
            }
            return null;
          }
        } else if (state == State.IN_VERTEX) {
          e = vertexField();
        } else if (state == State.IN_EDGE_LABELS) {
          edgeLabels();
        } else {
          e = edge();
        }
        if (e != null) {
          return e;
        }
      }
    } catch (JsonProcessingException e) {
      long line = e.getLocation() == null ? here() : e.getLocation().getLineNr();
      throw new GraphFileException(line, "malformed JSON: " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw new GraphFileException(here(), where() + e.getMessage());
    }
  }

  /** Moves into the next vertex line; false at the end of the file. */
  private boolean startVertex() throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      p.close();
      return false;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new GraphFileException(here(), "each line must be a vertex, a JSON object {\"id\", \"label\", ...}; got "
          + p.getText());
    }
    vertexLine = here();
    vertexId = 0;
    vertexLabel = null;
    vertexData = new JsonObject();
    state = State.IN_VERTEX;
    return true;
  }

  /** Reads one field of the vertex; the vertex itself once its line ends (in a pass that wants nodes). */
  private Entity vertexField() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.END_OBJECT) {
      state = State.BETWEEN_VERTICES;
      return finishVertex();
    }
    String field = p.currentName();
    p.nextToken();
    switch (field) {
      case "id" -> vertexId = id(GraphSONValues.read(p), "the vertex id");
      case "label" -> vertexLabel = label();
      case "properties" -> {
        if (pass.wantsNodes()) {
          properties();
        } else {
          p.skipChildren();
        }
      }
      case "inE", "outE" -> {
        if (vertexId == 0) {
          throw new IllegalArgumentException("the vertex's id must come before its " + field);
        }
        boolean in = field.equals("inE");
        if (p.currentToken() != JsonToken.START_OBJECT) {
          throw new IllegalArgumentException(field + " must be an object of edge lists by label");
        }
        if (pass == ReadPass.CHECK || pass == ReadPass.EDGES && in == loadIncoming) {
          incoming = in;
          state = State.IN_EDGE_LABELS;
        } else {
          p.skipChildren();
        }
      }
      default -> throw new IllegalArgumentException("unknown field '" + field
          + "' in a vertex (expected id, label, inE, outE, properties)");
    }
    return null;
  }

  private Entity finishVertex() {
    entityLine = vertexLine;
    if (vertexId == 0) {
      throw new GraphFileException(vertexLine, "a vertex without an id");
    }
    if (vertexLabel != null && !vertexLabel.equals(GraphSONWriter.NODE_LABEL)) {
      if (vertexData.containsKey(GraphSONWriter.LABEL_FIELD)) {
        throw new GraphFileException(vertexLine, "vertex " + vertexId + " has both the label '" + vertexLabel
            + "' and a property 'label'; a Conduit node keeps its label in the field 'label'");
      }
      vertexData.put(GraphSONWriter.LABEL_FIELD, vertexLabel);
    }
    return pass.wantsNodes() ? Entity.node(vertexId, vertexData) : null;
  }

  /** {@code "properties": {"name": [{"id": ..., "value": ...}], ...}}: one value per property. */
  private void properties() throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("'properties' must be an object");
    }
    while (p.nextToken() != JsonToken.END_OBJECT) {
      String name = fieldName(p.currentName());
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException("vertex property '" + name + "' must be a list of {\"id\", \"value\"}");
      }
      int values = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (++values > 1) {
          throw new IllegalArgumentException("vertex property '" + name + "' has several values; a Conduit field "
              + "has one (store a list instead)");
        }
        vertexData.put(name, vertexProperty(name));
      }
      if (values == 0) {
        throw new IllegalArgumentException("vertex property '" + name + "' has no value");
      }
    }
  }

  private Object vertexProperty(String name) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("vertex property '" + name + "' must be a list of {\"id\", \"value\"}");
    }
    Object value = null;
    boolean hasValue = false;
    while (p.nextToken() != JsonToken.END_OBJECT) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "id", "label" -> GraphSONValues.read(p); // TinkerPop's own bookkeeping; a Conduit field has neither
        case "value" -> {
          value = GraphSONValues.read(p);
          hasValue = true;
        }
        case "properties" -> {
          if (p.currentToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.END_OBJECT) {
            throw new IllegalArgumentException("vertex property '" + name + "' has meta-properties, which a Conduit "
                + "field cannot hold");
          }
        }
        default -> throw new IllegalArgumentException("unknown field '" + field + "' in vertex property '" + name + "'");
      }
    }
    if (!hasValue) {
      throw new IllegalArgumentException("vertex property '" + name + "' has no 'value'");
    }
    return value;
  }

  private void edgeLabels() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.END_OBJECT) {
      state = State.IN_VERTEX;
      return;
    }
    edgeLabel = p.currentName();
    if (p.nextToken() != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException((incoming ? "inE" : "outE") + " '" + edgeLabel + "' must be a list of edges");
    }
    state = State.IN_EDGE_LIST;
  }

  /** Reads one edge of a list: {@code {"id", "inV" | "outV", "properties"?}}. */
  private Entity edge() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.END_ARRAY) {
      state = State.IN_EDGE_LABELS;
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("an edge must be an object {\"id\", \"" + otherEnd() + "\", \"properties\"}");
    }
    entityLine = here();
    long id = 0;
    long other = 0;
    JsonObject data = new JsonObject();
    while (p.nextToken() != JsonToken.END_OBJECT) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("id")) {
        id = id(GraphSONValues.read(p), "an edge's id");
      } else if (field.equals(otherEnd())) {
        other = id(GraphSONValues.read(p), "an edge's " + otherEnd());
      } else if (field.equals("properties")) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
          throw new IllegalArgumentException("an edge's 'properties' must be an object");
        }
        while (p.nextToken() != JsonToken.END_OBJECT) {
          String name = fieldName(p.currentName());
          p.nextToken();
          data.put(name, GraphSONValues.read(p));
        }
      } else {
        throw new IllegalArgumentException("unknown field '" + field + "' in an edge of " + (incoming ? "inE" : "outE")
            + " (expected id, " + otherEnd() + ", properties)");
      }
    }
    if (id == 0 || other == 0) {
      throw new IllegalArgumentException("an edge of " + (incoming ? "inE" : "outE") + " without its "
          + (id == 0 ? "id" : otherEnd()));
    }
    if (!edgeLabel.equals(GraphSONWriter.EDGE_LABEL)) {
      if (data.containsKey(GraphSONWriter.LABEL_FIELD)) {
        throw new IllegalArgumentException("edge " + id + " has both the label '" + edgeLabel + "' and a property "
            + "'label'; a Conduit edge keeps its label in the field 'label'");
      }
      data.put(GraphSONWriter.LABEL_FIELD, edgeLabel);
    }
    if (pass == ReadPass.CHECK) {
      lists.saw(id, incoming);
    }
    return incoming ? Entity.edge(id, other, vertexId, data) : Entity.edge(id, vertexId, other, data);
  }

  private String otherEnd() {
    return incoming ? "outV" : "inV";
  }

  private String label() throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("the vertex label must be a string");
    }
    return p.getText();
  }

  private static String fieldName(String name) {
    String bad = DataFields.problem(name);
    if (bad != null) {
      throw new IllegalArgumentException(bad);
    }
    return name;
  }

  private static long id(Object value, String what) {
    if (value instanceof Integer || value instanceof Long) {
      long id = ((Number) value).longValue();
      if (id > 0) {
        return id;
      }
    }
    throw new IllegalArgumentException(what + " must be a positive whole number (g:Int64), got " + value
        + "; Conduit keeps a file's ids");
  }

  /** The vertex the parser is in, for messages. */
  private String where() {
    return state == State.BETWEEN_VERTICES || vertexId == 0 ? "" : "vertex " + vertexId + ": ";
  }

  private long here() {
    return p.currentLocation().getLineNr();
  }

  @Override
  public long line() {
    return entityLine;
  }

  @Override
  public long position() {
    return p.currentLocation().getByteOffset();
  }

  @Override
  public void close() throws IOException {
    p.close();
  }
}
