package org.beamlink.transforms.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * {@link LargeSingleton}: a value of several chunks reaches every element on Direct and Flink; the
 * chunks of one value, of none, of two, or with one missing.
 */
class LargeSingletonTest {
  /** 3.5 MiB and 17 bytes: four chunks, the last one short. */
  private static final byte[] VALUE = pattern(3 * LargeSingleton.CHUNK_BYTES + (1 << 19) + 17);

  private static byte[] pattern(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + (i >>> 11));
    }
    return bytes;
  }

  @BoundedRunnerTest
  void valueOfFourChunksReachesEveryElement(TestRunner runner) {
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
  void chunksAreJoinedInOrderAndDecodedOnceWhileTheyStayTheSame() throws Exception {
    List<LargeSingleton.Chunk> chunks = chunksOf(VALUE);
    assertEquals(4, chunks.size());
    assertEquals((1 << 19) + 17, chunks.get(3).bytes().length);
    List<LargeSingleton.Chunk> shuffled =
        List.of(chunks.get(2), chunks.get(0), chunks.get(3), chunks.get(1));
    LargeSingleton.Chunk[] parts = LargeSingleton.parts(shuffled, "v");
    assertArrayEquals(VALUE, LargeSingleton.join(parts, ByteArrayCoder.of(), "v"));

    LargeSingleton<byte[]> reader = reader();
    byte[] first = reader.read(shuffled);
    assertArrayEquals(VALUE, first);
    assertSame(first, reader.read(chunks), "the same chunks are not decoded again");
    byte[] other = pattern(10);
    assertArrayEquals(other, reader.read(chunksOf(other)), "new chunks are decoded");
  }

  @Test
  void noValueTwoValuesAndAMissingChunkAreErrorsNamingTheStep() throws Exception {
    LargeSingleton<byte[]> reader = reader();
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> reader.read(List.of()));
    assertEquals("Expected one element for the singleton 'Model', got none", none.getMessage());

    List<LargeSingleton.Chunk> two = new ArrayList<>(chunksOf(pattern(5)));
    two.addAll(chunksOf(pattern(6)));
    IllegalArgumentException plural =
        assertThrows(IllegalArgumentException.class, () -> reader.read(two));
    assertEquals(
        "Expected one element for the singleton 'Model', got more than one", plural.getMessage());
    List<LargeSingleton.Chunk> twice = new ArrayList<>(chunksOf(pattern(5)));
    twice.addAll(chunksOf(pattern(5)));
    assertThrows(IllegalArgumentException.class, () -> reader.read(twice));

    List<LargeSingleton.Chunk> missing = new ArrayList<>(chunksOf(VALUE));
    missing.remove(2);
    IllegalStateException gap =
        assertThrows(IllegalStateException.class, () -> reader.read(missing));
    assertTrue(gap.getMessage().contains("chunk 2 of 4"), gap.getMessage());
  }

  private static LargeSingleton<byte[]> reader() {
    Pipeline p = TestRunner.DIRECT.create();
    return LargeSingleton.of(
        p.apply(Create.of(List.of(VALUE)).withCoder(ByteArrayCoder.of())), "Model");
  }

  private static List<LargeSingleton.Chunk> chunksOf(byte[] value) throws Exception {
    List<LargeSingleton.Chunk> out = new ArrayList<>();
    new LargeSingleton.SplitFn<>(ByteArrayCoder.of()).split(value, out::add);
    return out;
  }
}
