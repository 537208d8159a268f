package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResidentStoreTest {
  private final long[] now = {0};
  private final ResidentStore store = new ResidentStore(100, 1_000, () -> now[0]);

  @Test
  void keepsValuesUntilReleasedOrTaken() {
    store.put("a", "A", 10);
    store.put("b", "B", 20);

    assertEquals("A", store.lookup("a"));
    assertEquals("B", store.take("b"));
    assertNull(store.lookup("b"));
    store.release("a");
    assertNull(store.lookup("a"));
    assertEquals(0, store.bytes());
  }

  @Test
  void overCapacityDropsTheLeastRecentlyUsed() {
    store.put("a", "A", 40);
    store.put("b", "B", 40);
    store.lookup("a");
    store.put("c", "C", 40);

    assertEquals("A", store.lookup("a"));
    assertNull(store.lookup("b"), "b was used least recently");
    assertEquals("C", store.lookup("c"));
    assertEquals(80, store.bytes());
  }

  @Test
  void aValueLargerThanTheCapacityIsNotKept() {
    store.put("a", "A", 40);

    assertFalse(store.put("huge", "H", 101));
    assertNull(store.lookup("huge"));
    assertEquals("A", store.lookup("a"));
  }

  @Test
  void entriesUnusedForTheIdleTimeGo() {
    store.put("a", "A", 10);
    store.put("b", "B", 10);
    now[0] = 900;
    store.lookup("a");
    now[0] = 1_500;
    store.dropIdle();

    assertEquals(1, store.size());
    assertEquals("A", store.lookup("a"));
    assertTrue(store.bytes() == 10);
  }

  @Test
  void replacingAKeyCountsItsBytesOnce() {
    store.put("a", "A", 30);
    store.put("a", "A2", 50);

    assertEquals("A2", store.lookup("a"));
    assertEquals(50, store.bytes());
  }
}
