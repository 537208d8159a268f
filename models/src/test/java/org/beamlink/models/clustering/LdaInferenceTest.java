package org.beamlink.models.clustering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.special.Gamma;
import org.beamlink.models.linalg.Vector;
import org.junit.jupiter.api.Test;

/** {@link LdaInference}'s digamma, term counts and E step on a document without words. */
class LdaInferenceTest {
  /**
   * Digamma equals scipy 1.10.1's {@code scipy.special.psi} to 1e-15 relative (printed with {@code
   * repr}); commons-math3 3.6.1's {@code Gamma.digamma} is 2.9e-9 off at 49.1, which is why
   * LdaInference has its own.
   */
  @Test
  void digammaEqualsScipy() {
    double[][] scipy = {
      {0.001, -1000.5755719318103},
      {0.2, -5.289039896592189},
      {1, -0.5772156649015329},
      {5.5, 1.611093148581751},
      {9.99, 2.250700372831201},
      {10, 2.251752589066721},
      {23.566, 3.1384379609309714},
      {48.9, 3.879517599202862},
      {49.1, 3.883641170316188},
      {120, 4.783319289118529},
      {1e4, 9.21029037114285}
    };
    for (double[] c : scipy) {
      assertEquals(c[1], LdaInference.digamma(c[0]), 1e-15 * Math.abs(c[1]), "psi(" + c[0] + ")");
    }
    assertTrue(Math.abs(Gamma.digamma(49.1) - 3.883641170316188) > 2e-9);
  }

  @Test
  void termCountsKeepTheStoredNonZerosAndRejectNegativeCounts() {
    LdaInference.TermCounts doc = LdaInference.termCounts(Vector.dense(0, 2, 0, 1.5));
    assertArrayEquals(new int[] {1, 3}, doc.ids());
    assertArrayEquals(new double[] {2, 1.5}, doc.counts());
    assertEquals(3.5, doc.words());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> LdaInference.termCounts(Vector.dense(1, -2)));
    assertEquals("Term 1 has count -2.0; expected finite counts >= 0", e.getMessage());
  }

  /** A document without words keeps the prior: gamma = alpha, and adds no statistics. */
  @Test
  void anEmptyDocumentHasThePriorsProportions() {
    LdaInference e = LdaInference.of(new double[] {1, 2, 3, 4}, 2, 0.3, 100, 1e-3);
    double[] sstats = new double[4];
    double[] gamma = e.gamma(LdaInference.termCounts(Vector.zeros(2)), sstats);
    assertArrayEquals(new double[] {0.3, 0.3}, gamma, 1e-15);
    assertArrayEquals(new double[4], sstats);
  }
}
