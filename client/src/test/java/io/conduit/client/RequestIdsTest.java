package io.conduit.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RequestIdsTest {

  @Test
  void idsRoundTripInTheFewestBytes() {
    for (long id : new long[] {0, 1, 255, 256, 65_535, 1L << 40, (1L << 56) - 1}) {
      byte[] bytes = RequestIds.encode(id);
      assertEquals(Math.max(1, (64 - Long.numberOfLeadingZeros(id) + 7) / 8), bytes.length);
      assertEquals(id, RequestIds.decode(bytes));
    }
  }

  @Test
  void anEmptyIdIsNoneOfOurs() {
    assertEquals(RequestIds.NONE, RequestIds.decode(new byte[0]));
  }
}
