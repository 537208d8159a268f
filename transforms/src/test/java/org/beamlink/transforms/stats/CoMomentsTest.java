package org.beamlink.transforms.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class CoMomentsTest {
  @Test
  void perfectlyLinearColumnsCorrelateOneAndMinusOne() {
    CoMoments m = CoMoments.empty();
    for (int i = 0; i < 5; i++) {
      m.add(new double[] {i, 2 * i + 1, -i});
    }
    double[][] r = m.pearson();
    assertEquals(1.0, r[0][1], 1e-15);
    assertEquals(-1.0, r[0][2], 1e-15);
    assertEquals(1.0, r[2][2]);
    assertEquals(5, m.count());
  }

  @Test
  void aConstantCoordinateHasNaNInItsRowAndColumnAsNumpy() {
    CoMoments m = CoMoments.ofSize(2);
    m.add(new double[] {1, 7});
    m.add(new double[] {2, 7});
    double[][] r = m.pearson();
    assertEquals(1.0, r[0][0]);
    assertTrue(Double.isNaN(r[0][1]));
    assertTrue(Double.isNaN(r[1][0]));
    assertTrue(Double.isNaN(r[1][1]), "numpy.corrcoef gives nan on the diagonal too");
  }

  @Test
  void mergingSplitsOfFarFromZeroDataMatchesOnePass() {
    // Values around 1e8 with unit spread: the textbook sum-of-products formula loses every digit.
    Random random = new Random(3);
    double[][] xs = new double[2000][];
    for (int i = 0; i < xs.length; i++) {
      double a = random.nextGaussian();
      xs[i] = new double[] {1e8 + a, 1e8 + a + 0.5 * random.nextGaussian()};
    }
    CoMoments whole = CoMoments.empty();
    CoMoments left = CoMoments.empty();
    CoMoments right = CoMoments.empty();
    for (int i = 0; i < xs.length; i++) {
      whole.add(xs[i]);
      (i % 3 == 0 ? left : right).add(xs[i]);
    }
    left.merge(right);
    left.merge(CoMoments.empty());
    // Relative 1e-7: a value near 1e8 keeps only about 8 of its 16 digits for the unit spread
    // around the offset, so one pass and the merged splits agree to 7 of those 8.
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        assertEquals(
            whole.comoment(i, j), left.comoment(i, j), 1e-7 * Math.abs(whole.comoment(i, j)));
      }
    }
    assertEquals(whole.pearson()[0][1], left.pearson()[0][1], 1e-7);
    // 1 / sqrt(1.25): the correlation of a and a + 0.5 z, within sampling noise of 2000 draws.
    assertEquals(1 / Math.sqrt(1.25), left.pearson()[0][1], 0.02);
  }

  @Test
  void aWeightedVectorCountsAsThatManyCopies() {
    CoMoments weighted = CoMoments.empty();
    CoMoments copies = CoMoments.empty();
    weighted.add(new double[] {1, 2});
    weighted.add(new double[] {3, 1}, 3);
    copies.add(new double[] {1, 2});
    for (int i = 0; i < 3; i++) {
      copies.add(new double[] {3, 1});
    }
    assertEquals(copies.count(), weighted.count());
    assertEquals(copies.comoment(0, 1), weighted.comoment(0, 1), 1e-15);
    assertEquals(copies.comoment(1, 1), weighted.comoment(1, 1), 1e-15);
  }

  @Test
  void rejectsVectorsOfAnotherSize() {
    CoMoments m = CoMoments.empty();
    m.add(new double[] {1, 2});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> m.add(new double[] {1, 2, 3}));
    assertEquals("Expected vectors of size 2 like the ones before, got size 3", e.getMessage());
    CoMoments other = CoMoments.empty();
    other.add(new double[] {1});
    e = assertThrows(IllegalArgumentException.class, () -> m.merge(other));
    assertEquals("Expected vectors of one size, got sizes 2 and 1", e.getMessage());
  }

  @Test
  void coderRoundTripsEmptyAndFilledCoMoments() throws Exception {
    CoMoments m = CoMoments.empty();
    CoderProperties.coderDeterministic(CoMoments.Coder.of(), m, m);
    m.add(new double[] {1, 2, 3});
    m.add(new double[] {2, 0, 3.5});
    CoMoments back = CoderUtils.clone(CoMoments.Coder.of(), m);
    assertEquals(m.count(), back.count());
    for (int i = 0; i < 3; i++) {
      assertEquals(m.mean(i), back.mean(i));
      for (int j = 0; j < 3; j++) {
        assertEquals(m.comoment(i, j), back.comoment(i, j));
      }
    }
    assertEquals(-1, CoderUtils.clone(CoMoments.Coder.of(), CoMoments.empty()).size());
  }
}
