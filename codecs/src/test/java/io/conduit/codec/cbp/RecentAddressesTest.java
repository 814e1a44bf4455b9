package io.conduit.codec.cbp;

import io.conduit.codec.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RecentAddressesTest {

  private final RecentAddresses addresses = new RecentAddresses();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aRepeatedAddressIsTheSameStringAndItsHashIsComputedOnce() throws CbpException {
    String first = addresses.decode(utf8("docs"), new byte[0]);
    String again = addresses.decode(utf8("docs"), new byte[0]);
    assertEquals("docs", first);
    assertSame(first, again);
  }

  @Test
  void everyAddressDecodesToItselfWhateverDisplacesWhat() throws CbpException {
    Random random = new Random(3);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      names.add("svc." + Integer.toString(random.nextInt(1_000_000), 36) + (i % 3 == 0 ? ".é" : ""));
    }
    for (int round = 0; round < 20_000; round++) {
      String name = names.get(random.nextInt(names.size()));
      assertEquals(name, addresses.decode(utf8(name), new byte[0]));
    }
  }

  @Test
  void aFrameChangedAfterDecodingDoesNotChangeWhatTheCacheAnswers() throws CbpException {
    byte[] frame = utf8("echo");
    addresses.decode(frame, new byte[0]);
    frame[0] = 'f';
    assertEquals("echo", addresses.decode(utf8("echo"), new byte[0]));
    assertEquals("fcho", addresses.decode(frame, new byte[0]));
  }

  @Test
  void longAddressesAreDecodedEachTimeNotKept() throws CbpException {
    String longName = "x".repeat(RecentAddresses.MAX_CACHED_BYTES + 1);
    String first = addresses.decode(utf8(longName), new byte[0]);
    assertEquals(longName, first);
    assertNotSame(first, addresses.decode(utf8(longName), new byte[0]));
  }

  @Test
  void anAddressThatIsNotUtf8IsRefusedWithTheRequestsId() {
    byte[] id = {7};
    CbpException e = assertThrows(CbpException.class, () -> addresses.decode(new byte[] {'a', (byte) 0xc3}, id));
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals(7, e.id()[0]);
    // and it is refused again, not answered from the cache
    assertThrows(CbpException.class, () -> addresses.decode(new byte[] {'a', (byte) 0xc3}, id));
  }

  @Test
  void parseRequestUsesTheCache() throws CbpException {
    byte[][] one = CbpFrames.request(Command.REQUEST, new byte[] {1}, "echo", new byte[0], new byte[0]);
    byte[][] two = CbpFrames.request(Command.REQUEST, new byte[] {2}, "echo", new byte[0], new byte[0]);
    assertSame(CbpFrames.parseRequest(List.of(one), addresses).address(),
        CbpFrames.parseRequest(List.of(two), addresses).address());
  }
}
