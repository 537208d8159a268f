package org.beamlink.transforms.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.iteration.DurableCopy;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LargeSingleton}: a value above the inline size reaches every element by reference on
 * Direct and Flink; inline and by-reference shipping; a value read from its file where the JVM's
 * store does not hold it; none, two and a missing file are errors naming the step.
 */
class LargeSingletonTest {
  /** 3.5 MiB and 17 bytes, above {@link LargeSingleton#INLINE_BYTES}. */
  private static final byte[] VALUE = pattern(3 * LargeSingleton.INLINE_BYTES + (1 << 19) + 17);

  @TempDir Path dir;

  private static byte[] pattern(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + (i >>> 11));
    }
    return bytes;
  }

  @BoundedRunnerTest
  void valueAboveTheInlineSizeReachesEveryElement(TestRunner runner) {
    Pipeline p = runner.create();
    LargeSingleton<byte[]> value =
        LargeSingleton.of(
            p.apply("Value", Create.of(List.of(VALUE)).withCoder(ByteArrayCoder.of())), "Value");
    PCollection<Long> checked =
        p.apply(GenerateSequence.from(0).to(100))
            .apply("Check", ParDo.of(new CheckFn(value)).withSideInputs(value.view()))
            .setCoder(VarLongCoder.of());
    List<Long> all = new ArrayList<>();
    for (long i = 0; i < 100; i++) {
      all.add(i);
    }
    PAssert.that(checked).containsInAnyOrder(all);
    runner.run(p);
  }

  /** Each element, or -1 - element where the value read differs from {@link #VALUE}. */
  private static final class CheckFn extends DoFn<Long, Long> {
    private final LargeSingleton<byte[]> value;

    CheckFn(LargeSingleton<byte[]> value) {
      this.value = value;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(Arrays.equals(value.get(c), VALUE) ? c.element() : -1 - c.element());
    }
  }

  @Test
  void smallValuesTravelInlineLargeOnesByReference() throws Exception {
    LargeSingleton.ShipFn<byte[]> ship =
        new LargeSingleton.ShipFn<>(ByteArrayCoder.of(), dir.toString());
    byte[] small = pattern(LargeSingleton.INLINE_BYTES);
    LargeSingleton.Ref inline = ship.ship(small);
    assertNull(inline.path());
    assertArrayEquals(small, inline.resolve(ByteArrayCoder.of(), "small"));

    LargeSingleton.Ref byReference = ship.ship(VALUE);
    assertNull(byReference.inline());
    assertNotNull(byReference.path());
    assertTrue(Files.exists(Path.of(byReference.path())), byReference.path());
    assertSame(
        VALUE,
        byReference.resolve(ByteArrayCoder.of(), "large"),
        "the JVM that shipped the value keeps it in its store");

    String elsewhere = DurableCopy.newFile(dir.toString(), "-copy");
    DurableCopy.write(elsewhere, ByteArrayCoder.of(), VALUE);
    LargeSingleton.Ref fromFile = new LargeSingleton.Ref(byReference.id(), null, elsewhere);
    assertArrayEquals(VALUE, fromFile.resolve(ByteArrayCoder.of(), "large"));
  }

  @Test
  void aReaderResolvesOnceWhileTheReferenceStaysTheSame() throws Exception {
    LargeSingleton.ShipFn<byte[]> ship =
        new LargeSingleton.ShipFn<>(ByteArrayCoder.of(), dir.toString());
    LargeSingleton<byte[]> reader = reader();
    LargeSingleton.Ref first = ship.ship(pattern(10));
    byte[] value = reader.read(List.of(first));
    assertSame(value, reader.read(List.of(first)), "the same reference is not decoded again");
    byte[] other = pattern(11);
    assertArrayEquals(other, reader.read(List.of(ship.ship(other))), "a new one is");
  }

  @Test
  void noValueTwoValuesAndAMissingFileAreErrorsNamingTheStep() throws Exception {
    LargeSingleton.ShipFn<byte[]> ship =
        new LargeSingleton.ShipFn<>(ByteArrayCoder.of(), dir.toString());
    LargeSingleton<byte[]> reader = reader();
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> reader.read(List.of()));
    assertEquals("Expected one element for the singleton 'Model', got none", none.getMessage());
    List<LargeSingleton.Ref> two = List.of(ship.ship(pattern(5)), ship.ship(pattern(6)));
    IllegalArgumentException plural =
        assertThrows(IllegalArgumentException.class, () -> reader.read(two));
    assertEquals(
        "Expected one element for the singleton 'Model', got more than one", plural.getMessage());

    LargeSingleton.Ref gone =
        new LargeSingleton.Ref(1L, null, dir.resolve("no-such-file").toString());
    IllegalStateException missing =
        assertThrows(IllegalStateException.class, () -> reader.read(List.of(gone)));
    assertTrue(missing.getMessage().startsWith("'Model': its value's file "), missing.getMessage());
    assertTrue(missing.getMessage().contains("--tempLocation"), missing.getMessage());
  }

  private static LargeSingleton<byte[]> reader() {
    Pipeline p = TestRunner.DIRECT.create();
    return LargeSingleton.of(
        p.apply(Create.of(List.of(VALUE)).withCoder(ByteArrayCoder.of())), "Model");
  }
}
