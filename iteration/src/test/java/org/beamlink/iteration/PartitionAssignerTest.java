package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

class PartitionAssignerTest {
  @Test
  void theHashIsAFixedFunctionOfTheBytes() {
    // FNV-1a of the empty input is its offset basis, before the SplitMix64 finaliser.
    assertEquals(PartitionAssigner.hash(new byte[0]), PartitionAssigner.hash(new byte[0]));
    assertNotEquals(PartitionAssigner.hash(new byte[] {1}), PartitionAssigner.hash(new byte[] {2}));
  }

  @Test
  void partitionsCoverEveryTaskForNegativeHashes() {
    for (long h : new long[] {-1, -7, Long.MIN_VALUE, 0, 5, Long.MAX_VALUE}) {
      int p = PartitionAssigner.partitionOf(h, 3);
      assertTrue(p >= 0 && p < 3, h + " -> " + p);
      assertEquals(Math.floorMod(h, 3L), p);
    }
  }

  @Test
  void valuesComeInHashOrderWhateverTheArrivalOrder() {
    List<KV<Long, String>> part =
        new ArrayList<>(List.of(KV.of(9L, "c"), KV.of(-2L, "a"), KV.of(4L, "b")));

    assertEquals(List.of("a", "b", "c"), PartitionAssigner.sortedValues(part));
  }
}
