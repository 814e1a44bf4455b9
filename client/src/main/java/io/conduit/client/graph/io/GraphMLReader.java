package io.conduit.client.graph.io;

import io.conduit.client.graph.Entity;
import io.vertx.core.json.JsonObject;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads GraphML with StAX, an element at a time. It takes keys of every {@code attr.type} (and
 * Conduit's {@code conduit:type="json"}), applies their {@code <default>}s, and reads ids as Conduit
 * ids: positive whole numbers (an edge may have none). Everything else GraphML can say that a
 * Conduit graph cannot hold is refused with its line, never dropped: graph-level data, nested graphs,
 * hyperedges, ports, data holding XML elements (yEd's graphics), elements of other vocabularies.
 * Edges of an undirected graph are kept from source to target. No DTD or external entity is read.
 */
final class GraphMLReader implements EntityReader {

  private static final XMLInputFactory FACTORY = factory();
  private static final Set<String> DOMAINS = Set.of("node", "edge", "all", "graph", "graphml", "hyperedge", "port");

  private final InputStream in;
  private final XMLStreamReader xml;
  private final ReadPass pass;
  private final Map<String, GraphMLKey> keys = new HashMap<>();
  private boolean inGraph;
  private boolean graphSeen;
  private long entityLine;
  private long position;

  GraphMLReader(InputStream in, ReadPass pass) throws IOException {
    this.pass = pass;
    this.in = in;
    try {
      this.xml = FACTORY.createXMLStreamReader(in);
      while (xml.hasNext() && xml.next() != XMLStreamConstants.START_ELEMENT) {
        // prolog: declaration, comments, a DTD (not read)
      }
      if (!xml.isStartElement() || !"graphml".equals(localName())) {
        throw new GraphFileException(here(), "not GraphML: the document's root element must be <graphml>"
            + (xml.isStartElement() ? ", not <" + xml.getLocalName() + ">" : ""));
      }
    } catch (XMLStreamException e) {
      throw malformed(e);
    }
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    return f;
  }

  @Override
  public Entity next() throws IOException {
    try {
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          Entity e = element();
          if (e != null) {
            return e;
          }
        } else if (event == XMLStreamConstants.END_ELEMENT && "graph".equals(xml.getLocalName())) {
          inGraph = false;
        } else if (event == XMLStreamConstants.CHARACTERS && !xml.isWhiteSpace()) {
          throw problem("text outside any <data> element: '" + GraphMLType.clip(xml.getText().trim()) + "'");
        }
      }
      if (!graphSeen) {
        throw new GraphFileException(0, "the GraphML file has no <graph> element");
      }
      return null;
    } catch (XMLStreamException e) {
      if (e.getNestedException() instanceof IOException io) {
        throw io;
      }
      throw malformed(e);
    }
  }

  /** Handles an element at the level of the document or the graph; an entity when it is a wanted node or edge. */
  private Entity element() throws XMLStreamException {
    String name = localName();
    switch (name) {
      case "key" -> {
        if (graphSeen) {
          throw problem("<key> after the <graph>: GraphML declares every key before the graph");
        }
        readKey();
      }
      case "graph" -> {
        if (inGraph) {
          throw problem("a <graph> inside the graph: nested graphs are not supported (a Conduit graph is flat)");
        }
        if (graphSeen) {
          throw problem("a second <graph>: a file holds one graph");
        }
        String edgeDefault = xml.getAttributeValue(null, "edgedefault");
        if (edgeDefault != null && !edgeDefault.equals("directed") && !edgeDefault.equals("undirected")) {
          throw problem("edgedefault must be \"directed\" or \"undirected\", got \"" + edgeDefault + "\"");
        }
        inGraph = true;
        graphSeen = true;
      }
      case "node", "edge" -> {
        if (!inGraph) {
          throw problem("a <" + name + "> outside the <graph>");
        }
        if (name.equals("node") ? !pass.wantsNodes() : !pass.wantsEdges()) {
          skipElement();
          return null;
        }
        entityLine = here();
        return name.equals("node") ? readNode() : readEdge();
      }
      case "desc" -> skipElement();
      case "data" -> throw problem("data for the " + (inGraph ? "graph" : "whole file") + " (key '"
          + xml.getAttributeValue(null, "key") + "'): a Conduit graph keeps data on nodes and edges only");
      case "hyperedge" -> throw problem("hyperedges are not supported (a Conduit edge joins two nodes)");
      default -> throw problem("unexpected element <" + name + "> in " + (inGraph ? "the <graph>" : "<graphml>"));
    }
    return null;
  }

  private void readKey() throws XMLStreamException {
    String id = required("key", "id");
    String domain = attribute("for", "all");
    if (!DOMAINS.contains(domain)) {
      throw problem("key '" + id + "': for=\"" + domain + "\" is not a GraphML domain (node, edge, all, graph, ...)");
    }
    String name = attribute("attr.name", id);
    String attrType = xml.getAttributeValue(null, "attr.type");
    boolean json = "json".equals(xml.getAttributeValue(GraphMLWriter.CONDUIT_NS, "type"));
    GraphMLType type = GraphMLType.of(attrType, json);
    if (type == null) {
      throw problem("key '" + id + "': attr.type \"" + attrType + "\" is not a GraphML type (boolean, int, long, "
          + "float, double, string)" + (json ? "; conduit:type=\"json\" goes with attr.type=\"string\"" : ""));
    }
    if (keys.containsKey(id)) {
      throw problem("a second key with id '" + id + "'");
    }
    if (domain.equals("node") || domain.equals("edge") || domain.equals("all")) {
      String bad = DataFields.problem(name);
      if (bad != null) {
        throw problem("key '" + id + "': " + bad);
      }
    }
    long keyLine = here();
    Object defaultValue = null;
    boolean hasDefault = false;
    while (nextChild()) {
      String child = localName();
      if (child.equals("default")) {
        String text = text("the default of key '" + id + "'");
        defaultValue = value(type, text, "the default of key '" + id + "'", keyLine);
        hasDefault = true;
      } else if (child.equals("desc")) {
        skipElement();
      } else {
        throw problem("unexpected <" + child + "> in key '" + id + "'");
      }
    }
    keys.put(id, new GraphMLKey(id, domain, name, type, defaultValue, hasDefault));
  }

  private Entity readNode() throws XMLStreamException {
    String rawId = required("node", "id");
    long id = id(rawId, "node id", "Conduit keeps a file's ids, so node ids must be positive whole numbers; relabel "
        + "the nodes first (NetworkX: nx.convert_node_labels_to_integers(g, first_label=1))");
    JsonObject data = children("node", id);
    return Entity.node(id, data);
  }

  private Entity readEdge() throws XMLStreamException {
    String rawId = xml.getAttributeValue(null, "id");
    long id = rawId == null ? 0 : id(rawId, "edge id", "an edge without an id gets a new one; an id the file gives "
        + "must be a positive whole number");
    for (String port : new String[] {"sourceport", "targetport"}) {
      if (xml.getAttributeValue(null, port) != null) {
        throw problem("edge " + describe(rawId) + " has a " + port + ": ports are not supported");
      }
    }
    String directed = xml.getAttributeValue(null, "directed");
    if (directed != null && !directed.equals("true") && !directed.equals("false")) {
      throw problem("edge " + describe(rawId) + ": directed must be true or false, got \"" + directed + "\"");
    }
    long from = id(required("edge", "source"), "source", "node ids must be positive whole numbers");
    long to = id(required("edge", "target"), "target", "node ids must be positive whole numbers");
    JsonObject data = children("edge", id);
    return Entity.edge(id, from, to, data);
  }

  /** Reads a node's or an edge's children: its data (with the keys' defaults), descriptions. */
  private JsonObject children(String kind, long id) throws XMLStreamException {
    JsonObject data = new JsonObject();
    String what = kind + " " + (id == 0 ? "(no id)" : id);
    while (nextChild()) {
      String child = localName();
      switch (child) {
        case "data" -> readData(kind, what, data);
        case "desc" -> skipElement();
        case "port" -> throw problem(what + " has a <port>: ports are not supported");
        case "graph" -> throw problem(what + " holds a <graph>: nested graphs are not supported (a Conduit graph is flat)");
        default -> throw problem("unexpected <" + child + "> in " + what);
      }
    }
    for (GraphMLKey key : keys.values()) {
      if (key.hasDefault() && key.appliesTo(kind) && !data.containsKey(key.name())) {
        data.put(key.name(), key.defaultValue());
      }
    }
    position += 64;
    return data;
  }

  private void readData(String kind, String what, JsonObject data) throws XMLStreamException {
    long dataLine = here();
    String keyId = required("data", "key");
    GraphMLKey key = keys.get(keyId);
    if (key == null) {
      throw problem(what + ": data for key '" + keyId + "', which no <key> declares");
    }
    if (!key.appliesTo(kind)) {
      throw problem(what + ": " + key.describe() + " is for " + key.domain() + ", not for a " + kind);
    }
    if (data.containsKey(key.name())) {
      throw problem(what + " has two values for field '" + key.name() + "' (a field has one value)");
    }
    String text = text(what + "'s data for " + key.describe());
    position += text.length();
    data.put(key.name(), value(key.type(), text, what + ": " + key.describe(), dataLine));
  }

  private static Object value(GraphMLType type, String text, String what, long line) {
    try {
      return type.parse(text);
    } catch (IllegalArgumentException e) {
      throw new GraphFileException(line, what + ": " + e.getMessage());
    }
  }

  /** The text of the current element, which must hold nothing else. */
  private String text(String what) throws XMLStreamException {
    StringBuilder text = new StringBuilder();
    while (true) {
      int event = xml.next();
      switch (event) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE,
             XMLStreamConstants.ENTITY_REFERENCE -> text.append(xml.getText());
        case XMLStreamConstants.END_ELEMENT -> {
          return text.toString();
        }
        case XMLStreamConstants.START_ELEMENT -> throw problem(what + " holds an XML element <" + xml.getLocalName()
            + ">, such as yEd's graphics: Conduit reads values that are text");
        default -> {
          // comments and processing instructions are not part of the value
        }
      }
    }
  }

  /** Moves to the current element's next child element: true there, false at the element's end. */
  private boolean nextChild() throws XMLStreamException {
    while (true) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        return true;
      }
      if (event == XMLStreamConstants.END_ELEMENT) {
        return false;
      }
      if (event == XMLStreamConstants.CHARACTERS && !xml.isWhiteSpace()) {
        throw problem("text outside any <data> element: '" + GraphMLType.clip(xml.getText().trim()) + "'");
      }
    }
  }

  private void skipElement() throws XMLStreamException {
    int depth = 1;
    while (depth > 0) {
      int event = xml.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        depth++;
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        depth--;
      }
    }
    position += 64;
  }

  /** The element's name, which must be GraphML's (or in no namespace, as older files have it). */
  private String localName() {
    String ns = xml.getNamespaceURI();
    if (ns != null && !ns.isEmpty() && !ns.equals(GraphMLWriter.NS)) {
      throw problem("<" + (xml.getPrefix() == null || xml.getPrefix().isEmpty() ? "" : xml.getPrefix() + ":")
          + xml.getLocalName() + "> is not GraphML (namespace " + ns + ")");
    }
    return xml.getLocalName();
  }

  private long id(String raw, String what, String hint) {
    String s = raw.trim();
    try {
      long id = Long.parseLong(s);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw problem(what + " '" + GraphMLType.clip(raw) + "' is not a positive whole number: " + hint);
  }

  private String required(String element, String attribute) {
    String value = xml.getAttributeValue(null, attribute);
    if (value == null) {
      throw problem("<" + element + "> without its '" + attribute + "' attribute");
    }
    return value;
  }

  private String attribute(String name, String otherwise) {
    String value = xml.getAttributeValue(null, name);
    return value == null ? otherwise : value;
  }

  private static String describe(String rawId) {
    return rawId == null ? "(no id)" : "'" + GraphMLType.clip(rawId) + "'";
  }

  private long here() {
    return xml.getLocation().getLineNumber();
  }

  private GraphFileException problem(String text) {
    return new GraphFileException(here(), text);
  }

  /** A parser error, with its line and the parser's own words. */
  private static GraphFileException malformed(XMLStreamException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    int at = message.indexOf("Message: ");
    String reason = at >= 0 ? message.substring(at + 9) : message;
    long line = e.getLocation() == null ? 0 : e.getLocation().getLineNumber();
    return new GraphFileException(Math.max(line, 0), "malformed XML: " + reason.trim());
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
    try (in) {
      xml.close();
    } catch (XMLStreamException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
