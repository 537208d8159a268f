package org.beamlink.models.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.beamlink.models.StopReason;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DenseBlock;
import org.beamlink.models.linalg.SparseBlock;
import org.junit.jupiter.api.Test;

class NormalEquationsTest {
  private static final int N = 200;

  /** {@code N x d} rows: column j uniform with mean 10 j, label a linear function plus noise. */
  private static double[][] rows(int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[N][d + 1];
    for (int i = 0; i < N; i++) {
      double y = 3.0;
      for (int j = 0; j < d; j++) {
        x[i][j] = 10.0 * j + r.nextDouble(-1, 1);
        y += (j + 1) * x[i][j];
      }
      x[i][d] = y + r.nextDouble(-0.5, 0.5);
    }
    return x;
  }

  private static DenseBlock dense(double[][] rows, double[] weights) {
    int d = rows[0].length - 1;
    double[] values = new double[rows.length * d];
    double[] labels = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, values, i * d, d);
      labels[i] = rows[i][d];
    }
    return DenseBlock.of(rows.length, d, values, labels, weights);
  }

  private static SparseBlock sparse(double[][] rows) {
    int d = rows[0].length - 1;
    int[] starts = new int[rows.length + 1];
    int[] indices = new int[rows.length * d];
    double[] values = new double[rows.length * d];
    double[] labels = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < d; j++) {
        indices[i * d + j] = j;
        values[i * d + j] = rows[i][j];
      }
      starts[i + 1] = (i + 1) * d;
      labels[i] = rows[i][d];
    }
    return SparseBlock.of(rows.length, d, starts, indices, values, labels, null);
  }

  /** Center: the column and label means (as the statistics superstep gives them), or zeros. */
  private static double[] center(double[][] rows, boolean intercept) {
    double[] c = new double[rows[0].length];
    if (intercept) {
      for (double[] row : rows) {
        for (int j = 0; j < c.length; j++) {
          c[j] += row[j] / rows.length;
        }
      }
    }
    return c;
  }

  private static NormalEquations.Solution solve(
      Block block, double[] center, boolean intercept, Penalty penalty) {
    int d = block.numCols();
    double[] sums = new double[NormalEquations.sumsSize(d)];
    NormalEquations.addBlock(block, center, sums);
    return NormalEquations.of(d, sums, center, intercept)
        .solve(penalty, new boolean[d], new double[d], 500, 1e-12);
  }

  /** Least squares by a QR decomposition of {@code [X 1]}: the reference. */
  private static double[] leastSquares(double[][] rows, boolean intercept) {
    int d = rows[0].length - 1;
    int p = intercept ? d + 1 : d;
    double[][] a = new double[rows.length][p];
    double[] y = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, a[i], 0, d);
      if (intercept) {
        a[i][d] = 1.0;
      }
      y[i] = rows[i][d];
    }
    return new QRDecomposition(new Array2DRowRealMatrix(a))
        .getSolver()
        .solve(new ArrayRealVector(y))
        .toArray();
  }

  @Test
  void olsEqualsAQrSolveWithAndWithoutIntercept() {
    double[][] rows = rows(4, 1);
    for (boolean intercept : new boolean[] {true, false}) {
      NormalEquations.Solution s =
          solve(dense(rows, null), center(rows, intercept), intercept, Penalty.none(4));
      double[] ref = leastSquares(rows, intercept);
      assertArrayEquals(Arrays.copyOf(ref, 4), s.coefficients(), 1e-9);
      assertEquals(intercept ? ref[4] : 0.0, s.intercept(), 1e-8);
      assertEquals(StopReason.EXACT, s.stopReason());
      assertEquals(1, s.iterations());
      for (double g : s.gradient()) {
        assertEquals(0.0, g, 1e-9);
      }
    }
  }

  /** The same rows in a sparse block give the same solution; the center is the means. */
  @Test
  void sparseBlocksGiveTheDenseSolution() {
    double[][] rows = rows(3, 2);
    double[] center = center(rows, true);
    NormalEquations.Solution a = solve(dense(rows, null), center, true, Penalty.none(3));
    NormalEquations.Solution b = solve(sparse(rows), center, true, Penalty.none(3));
    assertArrayEquals(a.coefficients(), b.coefficients(), 1e-9);
    assertEquals(a.intercept(), b.intercept(), 1e-8);
  }

  /**
   * Moments taken about a center off the means are corrected (the two-pass correction): the same
   * solution as about the means.
   */
  @Test
  void aCenterOffTheMeansGivesTheSameSolution() {
    double[][] rows = rows(3, 3);
    double[] off = center(rows, true);
    for (int j = 0; j < off.length; j++) {
      off[j] += 0.37 * (j + 1);
    }
    NormalEquations.Solution exact =
        solve(dense(rows, null), center(rows, true), true, Penalty.none(3));
    NormalEquations.Solution shifted = solve(dense(rows, null), off, true, Penalty.none(3));
    assertArrayEquals(exact.coefficients(), shifted.coefficients(), 1e-9);
    assertEquals(exact.intercept(), shifted.intercept(), 1e-8);
  }

  /** Integer weights count as repeated rows. */
  @Test
  void weightsCountAsRepeatedRows() {
    double[][] rows = rows(2, 4);
    double[] weights = new double[N];
    double[][] repeated = new double[0][];
    for (int i = 0; i < N; i++) {
      weights[i] = 1 + i % 3;
      for (int k = 0; k < weights[i]; k++) {
        repeated = Arrays.copyOf(repeated, repeated.length + 1);
        repeated[repeated.length - 1] = rows[i];
      }
    }
    NormalEquations.Solution weighted =
        solve(dense(rows, weights), center(repeated, true), true, Penalty.none(2));
    double[] ref = leastSquares(repeated, true);
    assertArrayEquals(Arrays.copyOf(ref, 2), weighted.coefficients(), 1e-9);
    assertEquals(ref[2], weighted.intercept(), 1e-8);
  }

  /**
   * Ridge: {@code (C + diag(l2)) beta = c}, the minimum of the objective; its loss, from the
   * moments, equals the objective evaluated on the rows.
   */
  @Test
  void ridgeMinimizesTheObjective() {
    double[][] rows = rows(3, 5);
    double[] l2 = {0.5, 2.0, 0.0};
    NormalEquations.Solution s =
        solve(dense(rows, null), center(rows, true), true, Penalty.of(new double[3], l2));
    double f = 0;
    double[] grad = new double[4];
    for (double[] row : rows) {
      double r = s.intercept() - row[3];
      for (int j = 0; j < 3; j++) {
        r += s.coefficients()[j] * row[j];
      }
      f += 0.5 * r * r / N;
      for (int j = 0; j < 3; j++) {
        grad[j] += r * row[j] / N;
      }
      grad[3] += r / N;
    }
    for (int j = 0; j < 3; j++) {
      f += 0.5 * l2[j] * s.coefficients()[j] * s.coefficients()[j];
      grad[j] += l2[j] * s.coefficients()[j];
    }
    assertEquals(f, s.loss(), 1e-9 * f);
    assertArrayEquals(new double[4], grad, 1e-8);
  }

  /** One feature: the elastic net minimum is {@code soft(c, l1) / (C + l2)}. */
  @Test
  void elasticNetByOwlQnOnTheNormalEquations() {
    double[][] rows = rows(1, 6);
    double[] mean = center(rows, true);
    double cxx = 0;
    double cxy = 0;
    for (double[] row : rows) {
      cxx += (row[0] - mean[0]) * (row[0] - mean[0]) / N;
      cxy += (row[0] - mean[0]) * (row[1] - mean[1]) / N;
    }
    double l1 = 0.05;
    double l2 = 0.2;
    NormalEquations.Solution s =
        solve(dense(rows, null), mean, true, Penalty.of(new double[] {l1}, new double[] {l2}));
    assertEquals((cxy - l1) / (cxx + l2), s.coefficients()[0], 1e-9);
    assertEquals(StopReason.GRADIENT, s.stopReason(), s.stopMessage());
    assertTrue(s.iterations() >= 1);
    // l1 beyond |c| zeroes the coefficient exactly
    NormalEquations.Solution zero =
        solve(dense(rows, null), mean, true, Penalty.of(new double[] {1e6}, new double[1]));
    assertEquals(0.0, zero.coefficients()[0]);
    assertEquals(mean[1], zero.intercept(), 1e-9);
  }

  /** With an intercept a constant column is a copy of it: coefficient 0, the rest unchanged. */
  @Test
  void constantColumnGetsZero() {
    double[][] rows = rows(2, 7);
    double[][] withConstant = new double[N][];
    for (int i = 0; i < N; i++) {
      withConstant[i] = new double[] {rows[i][0], 0.1, rows[i][1], rows[i][2]};
    }
    double[] center = center(withConstant, true);
    int d = 3;
    double[] sums = new double[NormalEquations.sumsSize(d)];
    NormalEquations.addBlock(dense(withConstant, null), center, sums);
    NormalEquations equations = NormalEquations.of(d, sums, center, true);
    assertArrayEquals(new boolean[] {false, true, false}, equations.degenerateColumns());
    NormalEquations.Solution s =
        equations.solve(Penalty.none(d), new boolean[d], new double[d], 100, 1e-9);
    NormalEquations.Solution without =
        solve(dense(rows, null), center(rows, true), true, Penalty.none(2));
    assertEquals(0.0, s.coefficients()[1]);
    assertEquals(without.coefficients()[0], s.coefficients()[0], 1e-9);
    assertEquals(without.coefficients()[1], s.coefficients()[2], 1e-9);
    assertEquals(StopReason.EXACT, s.stopReason());
  }

  /**
   * A duplicated column makes the system singular: the minimum-norm solution splits the coefficient
   * equally between the copies, as scikit-learn's {@code LinearRegression}.
   */
  @Test
  void duplicatedColumnGivesTheMinimumNormSolution() {
    double[][] rows = rows(2, 8);
    double[][] duplicated = new double[N][];
    for (int i = 0; i < N; i++) {
      duplicated[i] = new double[] {rows[i][0], rows[i][1], rows[i][1], rows[i][2]};
    }
    NormalEquations.Solution s =
        solve(dense(duplicated, null), center(duplicated, true), true, Penalty.none(3));
    NormalEquations.Solution once =
        solve(dense(rows, null), center(rows, true), true, Penalty.none(2));
    assertEquals(StopReason.EXACT_MINIMUM_NORM, s.stopReason(), s.stopMessage());
    assertTrue(s.stopMessage().contains("singular"), s.stopMessage());
    assertEquals(once.coefficients()[0], s.coefficients()[0], 1e-8);
    assertEquals(once.coefficients()[1] / 2, s.coefficients()[1], 1e-8);
    assertEquals(once.coefficients()[1] / 2, s.coefficients()[2], 1e-8);
    assertEquals(once.intercept(), s.intercept(), 1e-6);
    assertEquals(once.loss(), s.loss(), 1e-9 * once.loss());
  }

  /** A constant label: coefficients 0 and the intercept its mean, as Spark. */
  @Test
  void constantLabelGivesItsMean() {
    double[][] rows = rows(2, 9);
    for (double[] row : rows) {
      row[2] = 4.25;
    }
    NormalEquations.Solution s =
        solve(dense(rows, null), center(rows, true), true, Penalty.none(2));
    assertArrayEquals(new double[2], s.coefficients(), 0.0);
    assertEquals(4.25, s.intercept(), 1e-12);
  }

  @Test
  void rejectsMoreThan4096FeaturesAndEmptyWeight() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NormalEquations.sumsSize(4097));
    assertTrue(e.getMessage().contains("4096"), e.getMessage());
    assertTrue(e.getMessage().contains("4097"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> NormalEquations.of(1, new double[NormalEquations.sumsSize(1)], new double[2], true));
  }
}
