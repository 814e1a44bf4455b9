package io.conduit.codec.zmtp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handshake metadata: names are matched without regard to case, whatever the JVM's locale. */
class MetadataTest {

  @Test
  void anIdentityKeepsItsNameOnTheWireAndIsFoundUnderATurkishLocale() throws Exception {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr-TR")); // where "I".toLowerCase() is a dotless "ı"
    try {
      byte[] id = "client-7".getBytes(StandardCharsets.US_ASCII);
      byte[] wire = Metadata.of(SocketType.DEALER, id).encode();
      String text = new String(wire, StandardCharsets.ISO_8859_1);
      assertTrue(text.contains("Identity") && text.contains("Socket-Type"), text);
      Metadata parsed = Metadata.parse(wire, 0, wire.length);
      assertArrayEquals(id, parsed.get("IDENTITY"));
      assertArrayEquals(id, parsed.get(Metadata.IDENTITY));
      assertArrayEquals("DEALER".getBytes(StandardCharsets.US_ASCII), parsed.get("socket-type"));
    } finally {
      Locale.setDefault(before);
    }
  }
}
