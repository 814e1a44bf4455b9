package io.conduit.cli.bench;

import org.junit.jupiter.api.Test;
import zmq.ZError;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuietContextTest {

  @Test
  void aMailboxClosedUnderAClosingContextIsTheCloseRace() {
    assertTrue(QuietContext.isCloseRace(new ZError.IOException(new ClosedChannelException())));
  }

  @Test
  void otherIoThreadFailuresAreNotHidden() {
    assertFalse(QuietContext.isCloseRace(new ZError.IOException(new IOException("Too many open files"))));
    assertFalse(QuietContext.isCloseRace(new IllegalStateException("boom")));
  }
}
