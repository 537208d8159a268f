package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitionRefTest {
  private final PartitionRef ref = new PartitionRef("run", 0, "/t/m.parts", Map.of());

  @Test
  void roundTripsThroughItsEncoding() throws Exception {
    PartitionRef replaced = ref.withReplaced("data", "/t/c.obj");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    replaced.encode(out);

    assertEquals(replaced, PartitionRef.decode(new ByteArrayInputStream(out.toByteArray())));
  }

  @Test
  void aReplacedObjectChangesTheKeyAndAddsItsFile() {
    PartitionRef replaced = ref.withReplaced("data", "/t/c.obj");

    assertNotEquals(ref.key(), replaced.key());
    assertEquals("run#1", replaced.key());
    assertEquals(List.of("/t/c.obj", "/t/m.parts"), replaced.files());
    assertEquals(List.of("/t/m.parts"), ref.files());
    assertEquals(List.of("/t/m.parts"), ref.withReplaced("data", "").files(), "removed: no file");
  }
}
