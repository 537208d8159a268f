package org.beamlink.models.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.beamlink.models.Provenance;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.junit.jupiter.api.Test;

/**
 * The update against Spark's rule written as in its documentation, {@code c' = (c n a + s) / (n a +
 * m)} and {@code n' = n a + m}: a different arithmetic form from the code's {@code (1 - lambda) c +
 * (lambda / m) s}, so the tolerance is 1e-12 (a few ulps of values of order 10), not equality.
 */
class StreamingKMeansStateTest {
  private static final double TOL = 1e-12;
  private static final FeatureColumns XY = FeatureColumns.of(List.of("x", "y"));

  private static KMeansModel model(DistanceMeasure distance, double... centroids) {
    return KMeansModel.of(
        centroids,
        centroids.length / 2,
        distance,
        XY,
        Provenance.of("KMeans", Map.of("k", "2"), 0, 1, 0.0, 10));
  }

  private static StreamingKMeansState twoClusters(double... weights) {
    return StreamingKMeansState.start(model(DistanceMeasure.EUCLIDEAN, 0, 0, 10, 10), weights, XY);
  }

  @Test
  void batchUpdateFollowsSparkRuleWithDecayPerBatch() {
    StreamingKMeansState s = twoClusters(4, 2);
    List<Vector> batch =
        List.of(Vector.dense(1, 2), Vector.dense(-1, 0), Vector.dense(9, 12), Vector.dense(3, 1));
    StreamingKMeansState next = s.update(batch, 0.5, DecayTimeUnit.BATCHES);
    // Cluster 0 gets (1,2), (-1,0), (3,1): sum (3,3), m=3; cluster 1 gets (9,12): m=1.
    double n0 = 4 * 0.5;
    double n1 = 2 * 0.5;
    assertArrayEquals(new double[] {n0 + 3, n1 + 1}, next.weights(), TOL);
    assertArrayEquals(
        new double[] {
          (0 * n0 + 3) / (n0 + 3),
          (0 * n0 + 3) / (n0 + 3),
          (10 * n1 + 9) / (n1 + 1),
          (10 * n1 + 12) / (n1 + 1)
        },
        next.model().centroidValues(),
        TOL);
    assertEquals(1, next.batches());
    assertEquals(4, next.points());
  }

  @Test
  void pointsTimeUnitDiscountsOncePerPointOfTheBatch() {
    StreamingKMeansState s = twoClusters(4, 2);
    List<Vector> batch = List.of(Vector.dense(1, 1), Vector.dense(2, 2), Vector.dense(11, 9));
    StreamingKMeansState next = s.update(batch, 0.9, DecayTimeUnit.POINTS);
    double discount = Math.pow(0.9, 3);
    double n0 = 4 * discount;
    double n1 = 2 * discount;
    assertArrayEquals(new double[] {n0 + 2, n1 + 1}, next.weights(), TOL);
    assertArrayEquals(
        new double[] {
          3 / (n0 + 2), 3 / (n0 + 2), (10 * n1 + 11) / (n1 + 1), (10 * n1 + 9) / (n1 + 1)
        },
        next.model().centroidValues(),
        TOL);
  }

  @Test
  void halfLifeHalvesTheWeightAfterThatManyUnits() {
    double a = StreamingKMeansState.decayFactorOfHalfLife(7);
    assertEquals(0.5, Math.pow(a, 7), TOL);
    assertEquals(Math.exp(Math.log(0.5) / 7), a, 0.0);
    assertThrows(
        IllegalArgumentException.class, () -> StreamingKMeansState.decayFactorOfHalfLife(0));
  }

  @Test
  void clusterWithoutPointsKeepsItsCentroidAndDecays() {
    StreamingKMeansState next =
        twoClusters(4, 2).update(List.of(Vector.dense(1, 1)), 0.5, DecayTimeUnit.BATCHES);
    assertArrayEquals(new double[] {3, 1}, next.weights(), TOL);
    assertArrayEquals(new double[] {10, 10}, next.model().centroid(1).toArray(), 0.0);
  }

  @Test
  void sparsePointsAreSummedLikeDenseOnes() {
    List<Vector> dense = List.of(Vector.dense(0, 3), Vector.dense(2, 0));
    List<Vector> sparse =
        List.of(
            Vector.sparse(2, new int[] {1}, new double[] {3}),
            Vector.sparse(2, new int[] {0}, new double[] {2}));
    assertEquals(
        twoClusters(1, 1).update(dense, 1.0, DecayTimeUnit.BATCHES),
        twoClusters(1, 1).update(sparse, 1.0, DecayTimeUnit.BATCHES));
  }

  @Test
  void dyingClusterSplitsTheLargestAsSpark() {
    // Decay 0 forgets everything: cluster 1 gets no point, so its weight is 0 < 1e-8 * 2.
    StreamingKMeansState next =
        twoClusters(5, 5)
            .update(List.of(Vector.dense(1, 3), Vector.dense(3, -0.5)), 0.0, DecayTimeUnit.BATCHES);
    assertArrayEquals(new double[] {1.0, 1.0}, next.weights(), 0.0);
    double[] c = next.model().centroidValues();
    double x = 2.0;
    double y = 1.25;
    assertArrayEquals(
        new double[] {
          x + 1e-14 * x, y + 1e-14 * y, x - 1e-14 * x, y - 1e-14 * y,
        },
        c,
        0.0);
    assertTrue(c[0] != c[2], "the two halves must differ");
  }

  @Test
  void splitPerturbationIsAtLeastOneEMinusFourteen() {
    StreamingKMeansState next =
        twoClusters(5, 5).update(List.of(Vector.dense(0.25, -0.5)), 0.0, DecayTimeUnit.BATCHES);
    assertArrayEquals(
        new double[] {0.25 + 1e-14, -0.5 + 1e-14, 0.25 - 1e-14, -0.5 - 1e-14},
        next.model().centroidValues(),
        0.0);
  }

  @Test
  void noSplitWhileEveryWeightIsZero() {
    StreamingKMeansState next = twoClusters(0, 0).update(List.of(), 0.5, DecayTimeUnit.BATCHES);
    assertArrayEquals(new double[] {0, 0, 10, 10}, next.model().centroidValues(), 0.0);
    assertArrayEquals(new double[] {0, 0}, next.weights(), 0.0);
  }

  @Test
  void emptyBatchDecaysPerBatchButNotPerPoint() {
    assertArrayEquals(
        new double[] {2, 1},
        twoClusters(4, 2).update(List.of(), 0.5, DecayTimeUnit.BATCHES).weights(),
        0.0);
    assertArrayEquals(
        new double[] {4, 2},
        twoClusters(4, 2).update(List.of(), 0.5, DecayTimeUnit.POINTS).weights(),
        0.0);
  }

  @Test
  void provenanceRecordsDecayWeightsBatchesAndCost() {
    StreamingKMeansState next =
        twoClusters(1, 1)
            .update(List.of(Vector.dense(1, 0), Vector.dense(9, 10)), 0.5, DecayTimeUnit.POINTS);
    Provenance p = next.model().provenance();
    assertEquals("StreamingKMeans", p.trainer());
    assertEquals("0.5", p.parameters().get("decayFactor"));
    assertEquals("POINTS", p.parameters().get("timeUnit"));
    assertEquals(java.util.Arrays.toString(next.weights()), p.parameters().get("clusterWeights"));
    assertEquals(1, p.iterations());
    assertEquals(2, p.rows());
    // Squared distances to the centroids before the update: 1 + 1.
    assertEquals(2.0, p.finalLoss(), 0.0);
    assertEquals(XY, next.model().features());
  }

  @Test
  void coderRoundTrips() throws IOException {
    StreamingKMeansState s =
        twoClusters(1.5, 2.5).update(List.of(Vector.dense(1, 2)), 0.25, DecayTimeUnit.BATCHES);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamingKMeansState.Coder.of().encode(s, out);
    assertEquals(
        s, StreamingKMeansState.Coder.of().decode(new ByteArrayInputStream(out.toByteArray())));
  }

  @Test
  void rejectsCosineModels() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                StreamingKMeansState.start(
                    model(DistanceMeasure.COSINE, 1, 0, 0, 1), new double[2], XY));
    assertTrue(e.getMessage().contains("COSINE"), e.getMessage());
  }

  @Test
  void rejectsWeightsOfWrongNumberOrValue() {
    assertThrows(IllegalArgumentException.class, () -> twoClusters(1, 2, 3));
    assertThrows(IllegalArgumentException.class, () -> twoClusters(1, -1));
    assertThrows(IllegalArgumentException.class, () -> twoClusters(1, Double.NaN));
  }

  @Test
  void rejectsPointsOfWrongSizeOrNotFinite() {
    StreamingKMeansState s = twoClusters(1, 1);
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () -> s.update(List.of(Vector.dense(1, 2, 3)), 1, DecayTimeUnit.BATCHES));
    assertTrue(size.getMessage().contains("size 3"), size.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> s.update(List.of(Vector.dense(1, Double.NaN)), 1, DecayTimeUnit.BATCHES));
    assertThrows(
        IllegalArgumentException.class,
        () -> s.update(List.of(Vector.dense(1, 2)), 1.5, DecayTimeUnit.BATCHES));
  }
}
