package io.conduit.cli.serve;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventLoopDefaultTest {

  @Test
  void oneLoopPerTwoCoresAndNeverNone() {
    assertEquals(1, ServeCommand.defaultEventLoops(1));
    assertEquals(1, ServeCommand.defaultEventLoops(2));
    assertEquals(1, ServeCommand.defaultEventLoops(3));
    assertEquals(2, ServeCommand.defaultEventLoops(4));
    assertEquals(8, ServeCommand.defaultEventLoops(16));
  }
}
