package org.beamlink.models.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.util.CoderUtils;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.rows.FeatureColumns;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class FtrlStateTest {
  private static FtrlLearner learner(int dims) {
    return FtrlLearner.of(
        LinearModel.of(
            LinearModelType.LOGISTIC,
            dims,
            new double[dims],
            new double[] {0.0},
            List.of("0", "1"),
            TypeName.INT32,
            FeatureColumns.ofVector("v"),
            Provenance.of("zero", Map.of(), 0, 0, 0, 0)),
        FtrlParams.defaults());
  }

  private static FtrlState trained(FtrlLearner learner, long seed, int examples) {
    FtrlState state = learner.newState();
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < examples; i++) {
      int a = r.nextInt(learner.numFeatures());
      int b = (a + 1 + r.nextInt(learner.numFeatures() - 1)) % learner.numFeatures();
      Vector x = Vector.sparse(learner.numFeatures(), new int[] {a, b}, new double[] {1.0, -0.5});
      learner.train(state, FtrlExample.of(x, r.nextInt(2), 5_000 - i));
    }
    return state;
  }

  @Test
  void coderRoundTripsATrainedState() throws Exception {
    FtrlLearner learner = learner(1000);
    FtrlState state = trained(learner, 1, 3000);
    state.recordVersion();
    state.setPendingExamples(7);
    FtrlState back =
        CoderUtils.decodeFromByteArray(
            FtrlState.Coder.of(), CoderUtils.encodeToByteArray(FtrlState.Coder.of(), state));
    assertEquals(state, back);
    assertEquals(state.touchedCoordinates(), back.touchedCoordinates());
    assertEquals(learner.model(state), learner.model(back));
    assertEquals(7, back.pendingExamples());
    assertEquals(1, back.versions());
    assertEquals(3000, back.examplesAtLastVersion());
    assertEquals(new Instant(5_000 - 2999), back.firstEventTime());
    assertEquals(new Instant(5_000), back.lastEventTime());
  }

  /** Beam state needs a deterministic coder: the bytes do not depend on the insertion history. */
  @Test
  void encodingDoesNotDependOnInsertionOrder() throws Exception {
    FtrlAccumulators forward = new FtrlAccumulators(4);
    FtrlAccumulators backward = new FtrlAccumulators(4);
    for (int k = 0; k < 5000; k++) {
      forward.insert(k * 7919 % 100_003, k, 2.0 * k);
    }
    for (int k = 4999; k >= 0; k--) {
      backward.insert(k * 7919 % 100_003, k, 2.0 * k);
    }
    FtrlState a = new FtrlState();
    FtrlState b = new FtrlState();
    copyInto(forward, a.accumulators);
    copyInto(backward, b.accumulators);
    assertEquals(a, b);
    assertArrayEquals(
        CoderUtils.encodeToByteArray(FtrlState.Coder.of(), a),
        CoderUtils.encodeToByteArray(FtrlState.Coder.of(), b));
  }

  private static void copyInto(FtrlAccumulators from, FtrlAccumulators to) {
    for (int s = 0; s < from.capacity(); s++) {
      if (from.keyAt(s) >= 0) {
        to.insert(from.keyAt(s), from.z(s), from.n(s));
      }
    }
  }

  @Test
  void accumulatorsGrowAndFindEveryKey() {
    FtrlAccumulators acc = new FtrlAccumulators(1);
    for (int k = 0; k < 200_000; k++) {
      acc.insert(k << 4, k, -k);
    }
    assertEquals(200_000, acc.size());
    assertTrue(acc.capacity() >= 400_000);
    for (int k = 0; k < 200_000; k++) {
      int s = acc.slot(k << 4);
      assertEquals(k, acc.z(s), 0.0);
      assertEquals(-k, acc.n(s), 0.0);
    }
    assertEquals(-1, acc.slot(1));
    int[] slots = acc.slotsByKey();
    for (int i = 1; i < slots.length; i++) {
      assertTrue(acc.keyAt(slots[i - 1]) < acc.keyAt(slots[i]));
    }
  }

  @Test
  void recordVersionCountsFromOne() {
    FtrlState state = trained(learner(10), 2, 5);
    assertEquals(0, state.versions());
    assertEquals(1, state.recordVersion());
    assertEquals(2, state.recordVersion());
    assertEquals(5, state.examplesAtLastVersion());
    assertThrows(IllegalArgumentException.class, () -> state.setPendingExamples(-1));
  }

  @Test
  void decodingRejectsAnotherFormatVersion() {
    byte[] bytes = {9, 0, 0};
    assertThrows(
        CoderException.class, () -> CoderUtils.decodeFromByteArray(FtrlState.Coder.of(), bytes));
  }
}
