package io.conduit.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Host rule of a loopback console, without a server: exact loopback names, nothing resolved. */
class AccessGuardHostTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"localhost", "LOCALHOST:8080", "127.0.0.1", "127.0.0.1:8080", "127.1.2.3:1", "127.255.255.255",
      "[::1]", "[::1]:8080"})
  void loopbackNamesAreLoopback(String value) {
    HostHeader host = HostHeader.parse(value);
    assertTrue(host != null && host.isLoopback(), value);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"localhost.evil.com", "127.0.0.1.nip.io", "127.evil.com", "0x7f.1", "2130706433", "127.1",
      "0177.0.0.1", "127.0.0.01", "127.256.0.1", "localhost.", "[::2]", "[0:0:0:0:0:0:0:1]", "10.0.0.1"})
  void namesThatOnlyLookLikeLoopbackAreNot(String value) {
    HostHeader host = HostHeader.parse(value);
    assertTrue(host == null || !host.isLoopback(), value);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "::1", "::1:8080", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:99999", "127.0.0.1:80:80",
      "[::1", "[::1]8080", "[::1].evil.com", "local host", "evil.com/127.0.0.1", "user@127.0.0.1"})
  void malformedValuesDoNotParse(String value) {
    assertNull(HostHeader.parse(value));
  }

  @Test
  void portIsSeparatedFromTheHost() {
    assertEquals(new HostHeader("[::1]", 8080), HostHeader.parse("[::1]:8080"));
    assertEquals(new HostHeader("localhost", -1), HostHeader.parse("LocalHost"));
    assertFalse(HostHeader.parse("127.0.0.1:8080").host().contains(":"));
  }
}
