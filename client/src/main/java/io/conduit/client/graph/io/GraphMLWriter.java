package io.conduit.client.graph.io;

import io.conduit.client.graph.Entity;
import io.conduit.client.graph.GraphStoreException;
import io.conduit.codec.ErrorCode;
import io.vertx.core.json.Json;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * Writes GraphML with StAX: the keys, then one {@code <node>} or {@code <edge>} per line in id order
 * (so every edge comes after its nodes), ids as in the store, {@code edgedefault="directed"}.
 */
final class GraphMLWriter {

  static final String NS = "http://graphml.graphdrawing.org/xmlns";
  static final String CONDUIT_NS = "urn:conduit:graphml";
  private static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
  private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

  private final XMLStreamWriter xml;
  private final GraphMLKeys keys;

  GraphMLWriter(OutputStream out, GraphMLKeys keys, List<GraphMLKeys.Key> declared) throws XMLStreamException {
    this.xml = FACTORY.createXMLStreamWriter(out, "UTF-8");
    this.keys = keys;
    xml.writeStartDocument("UTF-8", "1.0");
    xml.writeCharacters("\n");
    xml.writeStartElement("graphml");
    xml.writeDefaultNamespace(NS);
    xml.writeNamespace("xsi", XSI_NS);
    xml.writeNamespace("conduit", CONDUIT_NS);
    xml.writeAttribute("xsi", XSI_NS, "schemaLocation", NS + " http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd");
    for (GraphMLKeys.Key key : declared) {
      xml.writeCharacters("\n  ");
      xml.writeEmptyElement("key");
      xml.writeAttribute("id", key.id());
      xml.writeAttribute("for", key.domain());
      xml.writeAttribute("attr.name", key.name());
      xml.writeAttribute("attr.type", key.type().xmlName);
      if (key.type() == GraphMLType.JSON) {
        xml.writeAttribute("conduit", CONDUIT_NS, "type", "json");
      }
    }
    xml.writeCharacters("\n  ");
    xml.writeStartElement("graph");
    xml.writeAttribute("id", "G");
    xml.writeAttribute("edgedefault", "directed");
  }

  void write(Entity e) throws XMLStreamException {
    xml.writeCharacters("\n    ");
    boolean empty = e.data().isEmpty();
    if (empty) {
      xml.writeEmptyElement(e.kind());
    } else {
      xml.writeStartElement(e.kind());
    }
    xml.writeAttribute("id", Long.toString(e.id()));
    if (!e.isNode()) {
      xml.writeAttribute("source", Long.toString(e.from()));
      xml.writeAttribute("target", Long.toString(e.to()));
    }
    if (empty) {
      return;
    }
    for (Map.Entry<String, Object> field : e.data()) {
      GraphMLKeys.Key key = keys.keyFor(e.kind(), field.getKey(), field.getValue());
      if (key == null) {
        throw new GraphStoreException(409, ErrorCode.CONFLICT, "the graph changed during the export: field "
            + Json.encode(field.getKey()) + " of " + e.kind() + " " + e.id() + " has a type of value the first read "
            + "did not see, so it has no key; export again");
      }
      xml.writeStartElement("data");
      xml.writeAttribute("key", key.id());
      xml.writeCharacters(GraphMLKeys.text(key.type(), field.getValue()));
      xml.writeEndElement();
    }
    xml.writeEndElement();
  }

  void finish() throws XMLStreamException {
    xml.writeCharacters("\n  ");
    xml.writeEndElement();
    xml.writeCharacters("\n");
    xml.writeEndElement();
    xml.writeCharacters("\n");
    xml.writeEndDocument();
    xml.flush();
  }
}
