package io.conduit.store.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpinPermitsTest {

  @Test
  void noMoreThanTheCapSpinAtOnceAndAReleasedPermitIsReused() {
    SpinPermits permits = new SpinPermits(2);
    assertTrue(permits.tryAcquire());
    assertTrue(permits.tryAcquire());
    assertFalse(permits.tryAcquire(), "a third writer sleeps instead");
    permits.release();
    assertTrue(permits.tryAcquire());
    assertFalse(permits.tryAcquire());
  }

  @Test
  void theSharedCapIsHalfTheCoresAndAtLeastOne() {
    assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), SpinPermits.SHARED.max());
  }

  @Test
  void aCapBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new SpinPermits(0));
  }
}
