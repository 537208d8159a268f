package org.beamlink.models.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockTest {
  // rows (1, 0, 2), (0, 3, 0)
  private final DenseBlock dense =
      DenseBlock.of(2, 3, new double[] {1, 0, 2, 0, 3, 0}, new double[] {1, 0}, null);
  private final SparseBlock sparse =
      SparseBlock.of(
          2,
          3,
          new int[] {0, 2, 3},
          new int[] {0, 2, 1},
          new double[] {1, 2, 3},
          new double[] {1, 0},
          new double[] {0.5, 2});

  @Test
  void multiplyDenseAndSparseAgree() {
    double[] x = {1, 2, 3};
    double[] out = new double[2];
    dense.multiply(x, out);
    assertArrayEquals(new double[] {7, 6}, out, 0.0);
    sparse.multiply(x, out);
    assertArrayEquals(new double[] {7, 6}, out, 0.0);
  }

  @Test
  void transposeMultiplyAddAccumulates() {
    double[] out = {1, 1, 1};
    dense.transposeMultiplyAdd(new double[] {2, -1}, out);
    assertArrayEquals(new double[] {3, -2, 5}, out, 0.0);
    sparse.transposeMultiplyAdd(new double[] {2, -1}, out);
    assertArrayEquals(new double[] {5, -5, 9}, out, 0.0);
  }

  @Test
  void squaredDistancesToCentroids() {
    double[] centroids = {0, 0, 0, 1, 3, 2};
    double[] out = new double[4];
    dense.squaredDistances(centroids, 2, out);
    // row0 to c0: 5, row0 to c1: 9, row1 to c0: 9, row1 to c1: 5
    assertArrayEquals(new double[] {5, 9, 9, 5}, out, 0.0);
    sparse.squaredDistances(centroids, 2, out);
    assertArrayEquals(new double[] {5, 9, 9, 5}, out, 1e-12);
  }

  @Test
  void sparseKernelsMatchDenseOnRandomData() {
    Random random = new Random(42);
    int n = 50;
    int d = 20;
    double[] values = new double[n * d];
    int[] starts = new int[n + 1];
    int nnz = 0;
    int[] idx = new int[n * d];
    double[] val = new double[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        if (random.nextDouble() < 0.3) {
          double v = random.nextGaussian();
          values[i * d + j] = v;
          idx[nnz] = j;
          val[nnz++] = v;
        }
      }
      starts[i + 1] = nnz;
    }
    DenseBlock db = DenseBlock.of(n, d, values, null, null);
    SparseBlock sb =
        SparseBlock.of(
            n,
            d,
            starts,
            java.util.Arrays.copyOf(idx, nnz),
            java.util.Arrays.copyOf(val, nnz),
            null,
            null);
    double[] x = random.doubles(d).toArray();
    double[] a = new double[n];
    double[] b = new double[n];
    db.multiply(x, a);
    sb.multiply(x, b);
    assertArrayEquals(a, b, 1e-12);
    double[] r = random.doubles(n).toArray();
    double[] ta = new double[d];
    double[] tb = new double[d];
    db.transposeMultiplyAdd(r, ta);
    sb.transposeMultiplyAdd(r, tb);
    assertArrayEquals(ta, tb, 1e-12);
    double[] centroids = random.doubles(3 * d).toArray();
    double[] da = new double[3 * n];
    double[] dbb = new double[3 * n];
    db.squaredDistances(centroids, 3, da);
    sb.squaredDistances(centroids, 3, dbb);
    assertArrayEquals(da, dbb, 1e-10);
    for (int i = 0; i < n; i++) {
      assertEquals(db.row(i), sb.row(i));
    }
  }

  /**
   * The moments of {@code (x, y)} about a center, from dense and sparse blocks, equal a direct sum
   * over the rows; packed upper triangle after the first moments.
   */
  @Test
  void centeredMomentsOfDenseAndSparseBlocksMatchADirectSum() {
    double[] center = {0.5, -1, 2, 0.25};
    double[] r = {0.5, 2};
    // rows (1, 0, 2 | y 1) and (0, 3, 0 | y 0), as in the fields above
    double[][] z = {{1, 0, 2, 1}, {0, 3, 0, 0}};
    double[] expected = new double[4 + 10];
    for (int i = 0; i < 2; i++) {
      for (int j = 0, p = 4; j < 4; j++) {
        expected[j] += r[i] * (z[i][j] - center[j]);
        for (int k = j; k < 4; k++, p++) {
          expected[p] += r[i] * (z[i][j] - center[j]) * (z[i][k] - center[k]);
        }
      }
    }
    for (Block b : new Block[] {dense, sparse}) {
      double[] out = new double[2 + 14];
      out[0] = 7.0;
      b.addCenteredMoments(r, center, out, 2);
      assertEquals(7.0, out[0], 0.0);
      assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, 2, 16), 1e-12, b.toString());
    }
  }

  /** Rows far from the origin: the dense block's moments about the mean keep full precision. */
  @Test
  void denseCenteredMomentsKeepPrecisionFarFromTheOrigin() {
    double[] values = {1e8 + 1, 1e8 - 1, 1e8 + 1, 1e8 - 1};
    DenseBlock far = DenseBlock.of(4, 1, values, new double[] {1, 2, 3, 4}, null);
    double[] out = new double[2 + 3];
    far.addCenteredMoments(new double[] {1, 1, 1, 1}, new double[] {1e8, 2.5}, out, 0);
    assertArrayEquals(new double[] {0, 0, 4, -2, 5}, out, 0.0);
  }

  @Test
  void centeredMomentsNeedLabels() {
    DenseBlock unlabeled = DenseBlock.of(1, 1, new double[] {1}, null, null);
    assertThrows(
        IllegalStateException.class,
        () -> unlabeled.addCenteredMoments(new double[1], new double[2], new double[5], 0));
  }

  @Test
  void labelsWeightsAndRows() {
    assertEquals(1.0, dense.label(0), 0.0);
    assertEquals(1.0, dense.weight(1), 0.0);
    assertEquals(2.0, dense.totalWeight(), 0.0);
    assertEquals(2.5, sparse.totalWeight(), 0.0);
    assertEquals(Vector.dense(1, 0, 2), sparse.row(0));
    double[] out = new double[3];
    sparse.addRowTo(1, 2.0, out);
    assertArrayEquals(new double[] {0, 6, 0}, out, 0.0);
  }

  @Test
  void emptyBlock() {
    DenseBlock empty = DenseBlock.of(0, 3, new double[0], null, null);
    double[] out = {1, 1, 1};
    empty.transposeMultiplyAdd(new double[0], out);
    assertArrayEquals(new double[] {1, 1, 1}, out, 0.0);
    assertEquals(0.0, empty.totalWeight(), 0.0);
  }

  @Test
  void sizeMismatchesNameBothSizes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> dense.multiply(new double[2], new double[2]));
    assertTrue(e.getMessage().contains("2") && e.getMessage().contains("3"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> dense.squaredDistances(new double[5], 2, new double[4]));
    assertThrows(
        IllegalArgumentException.class, () -> DenseBlock.of(2, 2, new double[3], null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> SparseBlock.of(1, 2, new int[] {0, 1}, new int[] {2}, new double[] {1}, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> DenseBlock.of(1, 1, new double[1], new double[2], null));
  }

  @Test
  void contentHashIsEqualForEqualBlocksAndDiffersOtherwise() throws Exception {
    DenseBlock copy =
        DenseBlock.of(2, 3, new double[] {1, 0, 2, 0, 3, 0}, new double[] {1, 0}, null);
    assertEquals(dense.contentHash(), copy.contentHash());
    assertEquals(
        dense.contentHash(),
        org.apache.beam.sdk.util.CoderUtils.clone(BlockCoder.of(), dense).contentHash());
    DenseBlock otherValue =
        DenseBlock.of(2, 3, new double[] {1, 0, 2, 0, 3, 1}, new double[] {1, 0}, null);
    DenseBlock otherLabels =
        DenseBlock.of(2, 3, new double[] {1, 0, 2, 0, 3, 0}, new double[] {0, 1}, null);
    DenseBlock otherShape =
        DenseBlock.of(3, 2, new double[] {1, 0, 2, 0, 3, 0}, new double[] {1, 0, 0}, null);
    assertTrue(dense.contentHash() != otherValue.contentHash());
    assertTrue(dense.contentHash() != otherLabels.contentHash());
    assertTrue(dense.contentHash() != otherShape.contentHash());
    assertTrue(dense.contentHash() != sparse.contentHash());
  }
}
