package org.beamlink.transforms.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {
  /** Exact fractions and sums of a few logarithms: equal up to rounding. */
  private static final double TOLERANCE = 1e-12;

  /**
   * Worked by hand from Spark's definitions: predictions [1, 6, 2, 7, 8], relevant {1, 2, 3}, k =
   * 3. The first three hold 1 and 2 (positions 1 and 3): precision 2/3, recall 2/3; average
   * precision (1/1 + 2/3) / min(3, 3) = 5/9, and over the whole list (k = max(5, 3)) the same 5/9;
   * NDCG (1/ln 2 + 1/ln 4) / (1/ln 2 + 1/ln 3 + 1/ln 4); a hit.
   */
  @Test
  void oneQueryMatchesTheHandComputedValues() {
    double[] v = RankingMetrics.queryValues(List.of(1L, 6L, 2L, 7L, 8L), List.of(1L, 2L, 3L), 3);
    double ndcg =
        (1 / Math.log(2) + 1 / Math.log(4)) / (1 / Math.log(2) + 1 / Math.log(3) + 1 / Math.log(4));
    assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3, ndcg, 5.0 / 9, 5.0 / 9, 1}, v, TOLERANCE);
  }

  /**
   * By hand: predictions [4, 5], relevant {1, 2, 3}, k = 5. No hit: precision, recall, NDCG,
   * average precision and hit 0. Fewer predictions than k still divide precision by k (Spark): [1]
   * against {1} at k = 5 is precision 1/5, recall 1, NDCG 1, average precision 1/min(1, 5).
   */
  @Test
  void missesAndShortListsFollowSparksDenominators() {
    assertArrayEquals(
        new double[6],
        RankingMetrics.queryValues(List.of(4L, 5L), List.of(1L, 2L, 3L), 5),
        TOLERANCE);
    assertArrayEquals(
        new double[] {0.2, 1, 1, 1, 1, 1},
        RankingMetrics.queryValues(List.of(1L), List.of(1L), 5),
        TOLERANCE);
  }

  /** An empty relevant set scores 0 everywhere, as in Spark, whatever was predicted. */
  @Test
  void aQueryWithoutRelevantItemsScoresZero() {
    assertArrayEquals(
        new double[6], RankingMetrics.queryValues(List.of(1L, 2L), List.of(), 2), TOLERANCE);
  }

  @Test
  void coderRoundTripsAndReportNamesEveryMetric() throws IOException {
    RankingMetrics m = RankingMetrics.of(5, 3, 1, new double[] {0.8, 1.0, 0.9, 0.7, 0.6, 2});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RankingMetrics.Coder.of().encode(m, out);
    assertEquals(m, RankingMetrics.Coder.of().decode(new ByteArrayInputStream(out.toByteArray())));
    assertEquals(2.0 / 3, m.hitRateAtK(), TOLERANCE);
    assertEquals(RankingMetrics.schema(), m.toRow().getSchema());
    String report = m.report();
    assertTrue(report.startsWith("Ranking: 3 queries (1 without relevant items), k=5"), report);
    for (String name : RankingMetrics.schema().getFieldNames().subList(3, 9)) {
      assertTrue(report.contains(name), name + " in " + report);
    }
  }
}
