package org.beamlink.models.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DenseBlock;
import org.beamlink.models.linalg.SparseBlock;
import org.junit.jupiter.api.Test;

/** Gradients and Hessians of every objective against central finite differences. */
class ObjectiveTest {
  private static final int N = 40;
  private static final int D = 5;

  /** Dense rows with labels from {@code labelOf} and weights in [0.5, 1.5). */
  private static DenseBlock dense(Random random, int classes) {
    double[] values = new double[N * D];
    double[] labels = new double[N];
    double[] weights = new double[N];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextGaussian();
    }
    for (int i = 0; i < N; i++) {
      labels[i] = classes == 0 ? 3 * random.nextGaussian() : random.nextInt(classes);
      weights[i] = 0.5 + random.nextDouble();
    }
    return DenseBlock.of(N, D, values, labels, weights);
  }

  /** The same rows in CSR form, so both kernels are checked against the same numbers. */
  private static SparseBlock sparse(DenseBlock dense) {
    int[] starts = new int[N + 1];
    int[] indices = new int[N * D];
    double[] values = new double[N * D];
    double[] labels = new double[N];
    double[] weights = new double[N];
    int at = 0;
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < D; j++) {
        double v = dense.get(i, j);
        if (Math.abs(v) > 0.7) {
          indices[at] = j;
          values[at++] = v;
        }
      }
      starts[i + 1] = at;
      labels[i] = dense.label(i);
      weights[i] = dense.weight(i);
    }
    return SparseBlock.of(
        N,
        D,
        starts,
        java.util.Arrays.copyOf(indices, at),
        java.util.Arrays.copyOf(values, at),
        labels,
        weights);
  }

  private static void checkGradient(BlockObjective objective, Block block, Random random) {
    double[] params = new double[objective.numParams()];
    for (int i = 0; i < params.length; i++) {
      params[i] = 0.3 * random.nextGaussian();
    }
    double[] mask = new double[N];
    for (int i = 0; i < N; i++) {
      mask[i] = i % 3 == 0 ? 0.0 : 1.0;
    }
    double[] grad = new double[params.length];
    objective.addLossAndGradient(block, params, mask, grad);
    double h = 1e-6;
    for (int j = 0; j < params.length; j++) {
      double[] plus = params.clone();
      double[] minus = params.clone();
      plus[j] += h;
      minus[j] -= h;
      double numeric =
          (objective.addLossAndGradient(block, plus, mask, new double[params.length])
                  - objective.addLossAndGradient(block, minus, mask, new double[params.length]))
              / (2 * h);
      assertEquals(numeric, grad[j], 1e-5 * Math.max(1, Math.abs(numeric)), "parameter " + j);
    }
    if (objective.hasHessian()) {
      int p = params.length;
      double[] hessian = new double[p * p];
      objective.addHessian(block, params, mask, hessian);
      for (int j = 0; j < p; j++) {
        double[] plus = params.clone();
        double[] minus = params.clone();
        plus[j] += h;
        minus[j] -= h;
        double[] gp = new double[p];
        double[] gm = new double[p];
        objective.addLossAndGradient(block, plus, mask, gp);
        objective.addLossAndGradient(block, minus, mask, gm);
        for (int k = 0; k < p; k++) {
          double numeric = (gp[k] - gm[k]) / (2 * h);
          assertEquals(numeric, hessian[k * p + j], 1e-4 * Math.max(1, Math.abs(numeric)));
        }
      }
    }
  }

  @Test
  void pointwiseGradientsAndHessiansMatchFiniteDifferences() {
    Random random = new Random(3);
    DenseBlock classification = dense(random, 2);
    DenseBlock regression = dense(random, 0);
    PointwiseLoss[] classifiers = {
      new LogisticLoss(), new SquaredHingeLoss(), new SmoothHingeLoss(), new HingeLoss()
    };
    for (PointwiseLoss loss : classifiers) {
      for (boolean intercept : new boolean[] {true, false}) {
        GlmObjective objective = new GlmObjective(loss, D, intercept);
        checkGradient(objective, classification, random);
        checkGradient(objective, sparse(classification), random);
      }
    }
    for (PointwiseLoss loss : new PointwiseLoss[] {new SquaredLoss(), new HuberLoss(1.0)}) {
      GlmObjective objective = new GlmObjective(loss, D, true);
      checkGradient(objective, regression, random);
      checkGradient(objective, sparse(regression), random);
    }
  }

  @Test
  void softmaxGradientMatchesFiniteDifferences() {
    Random random = new Random(5);
    DenseBlock block = dense(random, 3);
    for (boolean intercept : new boolean[] {true, false}) {
      SoftmaxObjective objective = new SoftmaxObjective(3, D, intercept);
      checkGradient(objective, block, random);
      checkGradient(objective, sparse(block), random);
    }
  }

  @Test
  void logisticLossIsStableForLargeMargins() {
    LogisticLoss loss = new LogisticLoss();
    assertEquals(800.0, loss.loss(-800, 1.0), 1e-12);
    assertEquals(0.0, loss.loss(800, 1.0), 1e-300);
    assertEquals(-1.0, loss.derivative(-800, 1.0), 0.0);
    assertEquals(Math.log(2), loss.loss(0, 0.0), 1e-15);
  }

  @Test
  void softmaxWithTwoClassesEqualsLogisticOnTheMarginDifference() {
    Random random = new Random(9);
    DenseBlock block = dense(random, 2);
    double[] beta = {0.2, -0.1, 0.4, 0.0, 0.3, 0.1};
    double logistic =
        new GlmObjective(new LogisticLoss(), D, true)
            .addLossAndGradient(block, beta, null, new double[6]);
    double[] twoClasses = new double[12];
    System.arraycopy(beta, 0, twoClasses, 6, 6);
    double softmax =
        new SoftmaxObjective(2, D, true)
            .addLossAndGradient(block, twoClasses, null, new double[12]);
    assertEquals(logistic, softmax, 1e-12);
  }

  @Test
  void weightedGramAndOffsetsAgreeForDenseAndSparse() {
    Random random = new Random(11);
    DenseBlock dense = dense(random, 2);
    SparseBlock sparse = sparse(dense);
    double[] r = new double[N];
    for (int i = 0; i < N; i++) {
      r[i] = random.nextDouble();
    }
    double[] sparseGram = new double[D * D];
    sparse.addWeightedGram(r, sparseGram);
    double[] expected = new double[D * D];
    for (int i = 0; i < N; i++) {
      double[] row = sparse.row(i).toArray();
      for (int j = 0; j < D; j++) {
        for (int k = 0; k < D; k++) {
          expected[j * D + k] += r[i] * row[j] * row[k];
        }
      }
    }
    assertArrayEquals(expected, sparseGram, 1e-12);
    double[] x = new double[2 + D];
    for (int j = 0; j < D; j++) {
      x[2 + j] = j + 1;
    }
    double[] withOffset = new double[N];
    double[] plain = new double[N];
    dense.multiply(x, 2, withOffset);
    dense.multiply(java.util.Arrays.copyOfRange(x, 2, 2 + D), plain);
    assertArrayEquals(plain, withOffset, 0.0);
  }
}
