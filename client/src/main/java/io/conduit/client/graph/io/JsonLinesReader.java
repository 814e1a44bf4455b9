package io.conduit.client.graph.io;

import io.conduit.client.graph.Entity;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.util.Set;

/** Reads Conduit's JSON lines dump: one entity object per line, blank lines skipped. */
final class JsonLinesReader implements EntityReader {

  private static final Set<String> FIELDS = Set.of("id", "kind", "from", "to", "data");

  private final BufferedReader lines;
  private final ReadPass pass;
  private long lineNumber;
  private long entityLine;
  private long position;

  JsonLinesReader(InputStream in, ReadPass pass) {
    this.lines = TextLines.utf8(in);
    this.pass = pass;
  }

  @Override
  public Entity next() throws IOException {
    String line;
    while ((line = readLine()) != null) {
      position += line.length() + 1;
      if (line.isBlank()) {
        continue;
      }
      entityLine = lineNumber;
      Entity e = entity(line);
      if (e.isNode() ? pass.wantsNodes() : pass.wantsEdges()) {
        return e;
      }
    }
    return null;
  }

  private String readLine() throws IOException {
    try {
      String line = lines.readLine();
      lineNumber++;
      return line;
    } catch (CharacterCodingException e) {
      throw new GraphFileException(lineNumber + 1, "the file is not UTF-8 text");
    }
  }

  private Entity entity(String line) {
    JsonObject o;
    try {
      o = new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      throw problem("not a JSON object: " + firstLine(e.getMessage()));
    }
    for (String field : o.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw problem("unknown field '" + field + "' (an entity has id, kind, data, and for an edge from and to)");
      }
    }
    long id = id(o, "id");
    Object data = o.getValue("data", new JsonObject());
    if (!(data instanceof JsonObject d)) {
      throw problem("'data' of " + o.getValue("kind") + " " + id + " must be an object, got " + data);
    }
    for (String field : d.fieldNames()) {
      String bad = DataFields.problem(field);
      if (bad != null) {
        throw problem(o.getValue("kind") + " " + id + ": " + bad);
      }
    }
    Object kind = o.getValue("kind");
    if ("node".equals(kind)) {
      if (o.containsKey("from") || o.containsKey("to")) {
        throw problem("node " + id + " has 'from' or 'to', which only an edge has");
      }
      return Entity.node(id, d);
    }
    if ("edge".equals(kind)) {
      return Entity.edge(id, id(o, "from"), id(o, "to"), d);
    }
    throw problem("'kind' must be \"node\" or \"edge\", got " + kind);
  }

  private long id(JsonObject o, String field) {
    Object raw = o.getValue(field);
    if (!(raw instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1) {
      throw problem("'" + field + "' must be a positive whole number, got " + raw);
    }
    return n.longValue();
  }

  private GraphFileException problem(String text) {
    return new GraphFileException(lineNumber, text);
  }

  static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  @Override
  public long line() {
    return entityLine;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void close() throws IOException {
    lines.close();
  }
}
