package org.beamlink.models.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.beam.sdk.util.CoderUtils;
import org.beamlink.models.linalg.Vector;
import org.junit.jupiter.api.Test;

class FtrlExampleTest {
  @Test
  void coderRoundTripsDenseAndSparseExamples() throws Exception {
    for (FtrlExample e :
        new FtrlExample[] {
          FtrlExample.of(Vector.dense(1.5, 0.0, -2.0), 1.0, -42L),
          FtrlExample.of(
              Vector.sparse(1 << 24, new int[] {5, 1 << 23}, new double[] {1, 2}), 0.0, 7L)
        }) {
      FtrlExample back =
          CoderUtils.decodeFromByteArray(
              FtrlExample.Coder.of(), CoderUtils.encodeToByteArray(FtrlExample.Coder.of(), e));
      assertEquals(e, back);
    }
  }

  @Test
  void rejectsALabelOtherThanZeroOrOneAndNonFiniteFeatures() {
    IllegalArgumentException label =
        assertThrows(
            IllegalArgumentException.class, () -> FtrlExample.of(Vector.dense(1.0), 2.0, 0));
    assertEquals("Expected label 0 or 1, got 2.0", label.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> FtrlExample.of(Vector.dense(Double.NaN), 1.0, 0));
  }
}
