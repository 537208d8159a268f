package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedPartialTest {

  private static double[] values(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Math.sin(i) * 1e-3 * i;
    }
    return v;
  }

  /**
   * Up to the threshold (4 MiB over all tasks: 262,144 values each of two) a partial travels inline
   * and writes nothing.
   */
  @Test
  void smallPartialsTravelInline(@TempDir Path dir) throws Exception {
    double[] partial = values(ShippedPartial.inlineValues(2));
    long[] written = new long[1];
    ShippedPartial shipped =
        ShippedPartial.ship(1, 3, partial, dir.toString(), 2, n -> written[0] += n);
    assertTrue(shipped.inline());
    assertEquals(262_144, partial.length);
    assertNull(shipped.path());
    assertEquals(0, written[0]);
    assertSame(partial, shipped.read("q", n -> {}));
    ShippedPartial back = CoderUtils.clone(ShippedPartial.PartialCoder.of(), shipped);
    assertEquals(1, back.task());
    assertEquals(3, back.stepNo());
    assertArrayEquals(partial, back.read("q", n -> {}));
  }

  /**
   * Above it, the element carries a reference: the readers of this JVM share the stored array until
   * the last has read it, later readers (another JVM, a task run again) read the durable copy.
   */
  @Test
  void largePartialsTravelByReference(@TempDir Path dir) throws Exception {
    double[] partial = values(ShippedPartial.inlineValues(2) + 1);
    long[] written = new long[1];
    ShippedPartial shipped =
        ShippedPartial.ship(0, 7, partial, dir.toString(), 2, n -> written[0] += n);
    assertFalse(shipped.inline());
    assertTrue(Files.exists(Path.of(shipped.path())), shipped.path());
    assertTrue(written[0] > 8L * partial.length, "bytes written: " + written[0]);
    ShippedPartial back = CoderUtils.clone(ShippedPartial.PartialCoder.of(), shipped);
    assertEquals(shipped.path(), back.path());
    assertTrue(CoderUtils.encodeToByteArray(ShippedPartial.PartialCoder.of(), back).length < 200);
    assertSame(partial, back.read("q", n -> {}));
    assertSame(partial, back.read("q", n -> {}));
    long[] read = new long[1];
    double[] copy = back.read("q", n -> read[0] += n);
    assertArrayEquals(partial, copy);
    assertEquals(written[0], read[0]);
    DurableCopy.delete(List.of(shipped.path()));
  }

  /**
   * A reference whose file this worker does not see (a loop directory not shared by the machines of
   * a cluster) fails with a message that names the partial and says what to do.
   */
  @Test
  void aPartialWrittenWhereThisWorkerCannotReadFailsClearly(@TempDir Path dir) {
    ShippedPartial missing =
        new ShippedPartial(1, 4, 20_000, null, dir.resolve("elsewhere-partial-1-4").toString());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> missing.read("gbt", n -> {}));
    assertTrue(
        e.getMessage().contains("ComQueue 'gbt' at superstep 4: task 1's AllReduce partial "),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("--tempLocation, which on a cluster of several machines must be a file"),
        e.getMessage());
  }
}
