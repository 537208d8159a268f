package org.beamlink.models.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VectorTest {
  private static final double EXACT = 0.0;

  private final Vector dense = Vector.dense(1.0, -2.0, 0.0, 4.0);
  private final Vector sparse = Vector.sparse(4, new int[] {3, 0}, new double[] {2.0, -1.0});

  @Test
  void sparseSortsIndicesAndReadsCoordinates() {
    assertEquals(-1.0, sparse.get(0), EXACT);
    assertEquals(0.0, sparse.get(1), EXACT);
    assertEquals(2.0, sparse.get(3), EXACT);
    assertArrayEquals(new int[] {0, 3}, ((SparseVector) sparse).indices());
    assertEquals(2, sparse.numNonzeros());
  }

  @Test
  void argmaxIsTheFirstLargestEntryAsSparks() {
    assertEquals(3, dense.argmax());
    assertEquals(3, sparse.argmax());
    assertEquals(1, Vector.sparse(3, new int[] {0}, new double[] {-1.0}).argmax());
    assertEquals(0, Vector.dense(0.5, 0.5).argmax());
    assertEquals(-1, Vector.dense().argmax());
  }

  @Test
  void dotOfEveryMix() {
    // 1*-1 + 4*2 = 7
    assertEquals(7.0, dense.dot(sparse), EXACT);
    assertEquals(7.0, sparse.dot(dense), EXACT);
    assertEquals(21.0, dense.dot(dense), EXACT);
    assertEquals(5.0, sparse.dot(sparse), EXACT);
    assertEquals(7.0, sparse.dot(new double[] {1, -2, 0, 4}), EXACT);
  }

  @Test
  void addToIsAxpyIntoCallersArray() {
    double[] acc = {1, 1, 1, 1};
    sparse.addTo(acc, 2.0);
    assertArrayEquals(new double[] {-1, 1, 1, 5}, acc, EXACT);
    dense.addTo(acc, -1.0);
    assertArrayEquals(new double[] {-2, 3, 1, 1}, acc, EXACT);
    assertEquals(1.0, dense.get(0), EXACT, "vector unchanged");
  }

  @Test
  void normsOfDenseAndSparse() {
    assertEquals(7.0, dense.norm1(), EXACT);
    assertEquals(Math.sqrt(21.0), dense.norm2(), 1e-15);
    assertEquals(4.0, dense.normInf(), EXACT);
    assertEquals(3.0, sparse.norm1(), EXACT);
    assertEquals(Math.sqrt(5.0), sparse.norm2(), 1e-15);
    assertEquals(Math.cbrt(1 + 8 + 64), dense.norm(3), 1e-12);
    assertEquals(4.0, dense.norm(Double.POSITIVE_INFINITY), EXACT);
    assertThrows(IllegalArgumentException.class, () -> dense.norm(0.5));
  }

  @Test
  void norm2DoesNotOverflow() {
    assertEquals(5e300, Vector.dense(3e300, 4e300).norm2(), 1e286);
  }

  @Test
  void squaredDistanceOfEveryMix() {
    // dense - sparse = (2, -2, 0, 2) -> 12
    assertEquals(12.0, dense.squaredDistance(sparse), EXACT);
    assertEquals(12.0, sparse.squaredDistance(dense), EXACT);
    Vector other = Vector.sparse(4, new int[] {1, 3}, new double[] {5.0, 2.0});
    // (-1, -5, 0, 0) -> 26
    assertEquals(26.0, sparse.squaredDistance(other), EXACT);
    assertEquals(0.0, dense.squaredDistance(dense), EXACT);
    double[] centroids = {9, 9, 9, 9, 1, -2, 0, 4};
    assertEquals(0.0, dense.squaredDistance(centroids, 4), EXACT);
    assertEquals(12.0, sparse.squaredDistance(centroids, 4), EXACT);
  }

  @Test
  void scaleKeepsKind() {
    assertEquals(Vector.dense(2, -4, 0, 8), dense.scale(2.0));
    Vector scaled = sparse.scale(-1.0);
    assertTrue(scaled instanceof SparseVector);
    assertEquals(Vector.dense(1, 0, 0, -2), scaled);
  }

  @Test
  void denseAndSparseWithSameValuesAreEqual() {
    assertEquals(Vector.dense(-1, 0, 0, 2), sparse);
    assertEquals(sparse, Vector.dense(-1, 0, 0, 2));
    assertEquals(Vector.dense(-1, 0, 0, 2).hashCode(), sparse.hashCode());
    assertNotEquals(Vector.dense(-1, 0, 0), sparse);
    assertEquals(sparse, sparse.toDense().toSparse());
    assertSame(dense, dense.toDense());
  }

  @Test
  void emptyVectors() {
    Vector empty = Vector.dense();
    Vector emptySparse = Vector.sparse(0, new int[0], new double[0]);
    assertEquals(0.0, empty.dot(emptySparse), EXACT);
    assertEquals(0.0, empty.norm2(), EXACT);
    assertEquals(0.0, emptySparse.normInf(), EXACT);
    assertEquals(0.0, empty.squaredDistance(emptySparse), EXACT);
    assertEquals(0, Vector.zeros(0).size());
  }

  @Test
  void sizeMismatchNamesBothSizes() {
    Vector three = Vector.dense(1, 2, 3);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> dense.dot(three));
    assertTrue(e.getMessage().contains("4") && e.getMessage().contains("3"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> sparse.dot(three));
    assertThrows(IllegalArgumentException.class, () -> sparse.squaredDistance(three));
    assertThrows(IllegalArgumentException.class, () -> three.squaredDistance(sparse));
    assertThrows(IllegalArgumentException.class, () -> three.addTo(new double[4], 1.0));
    assertThrows(IllegalArgumentException.class, () -> sparse.dot(new double[5]));
  }

  @Test
  void rejectsBadSparseInput() {
    assertThrows(
        IllegalArgumentException.class, () -> Vector.sparse(3, new int[] {3}, new double[] {1}));
    assertThrows(
        IllegalArgumentException.class,
        () -> Vector.sparse(3, new int[] {1, 1}, new double[] {1, 2}));
    assertThrows(
        IllegalArgumentException.class, () -> Vector.sparse(3, new int[] {1}, new double[] {}));
    assertThrows(IllegalArgumentException.class, () -> Vector.zeros(-1));
  }

  @Test
  void factoriesCopyTheirInput() {
    double[] values = {1, 2};
    Vector v = Vector.dense(values);
    values[0] = 100;
    assertEquals(1.0, v.get(0), EXACT);
    double[] out = v.toArray();
    out[1] = 100;
    assertEquals(2.0, v.get(1), EXACT);
  }

  @Test
  void detectsNonFiniteValues() {
    assertFalse(dense.hasNonFinite());
    assertTrue(Vector.dense(1, Double.NaN).hasNonFinite());
    assertTrue(
        Vector.sparse(5, new int[] {2}, new double[] {Double.NEGATIVE_INFINITY}).hasNonFinite());
  }

  @Test
  void dotWithASliceMatchesDotWithACopy() {
    double[] longer = {9, 9, 1, 2, 3, 9};
    for (Vector v :
        new Vector[] {
          Vector.dense(4, 5, 6), Vector.sparse(3, new int[] {0, 2}, new double[] {4, 6})
        }) {
      assertEquals(v.dot(new double[] {1, 2, 3}), v.dot(longer, 2), 0.0);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> v.dot(longer, 4));
      assertTrue(e.getMessage().contains("offset 4"), e.getMessage());
    }
  }
}
