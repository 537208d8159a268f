package org.beamlink.transforms.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;

/** The {@link BinaryMetrics} value: coder, row, report and the two-class view. */
class BinaryMetricsTest {
  private static BinaryMetrics alink() {
    return BinaryRanking.compute(
        BinaryRankingTest.counts(
            new int[] {1, 1, 1, 0, 0}, new double[] {0.9, 0.8, 0.7, 0.75, 0.6}),
        "1",
        "0",
        0.5,
        1000);
  }

  @Test
  void coderRoundTripsEveryField() throws Exception {
    BinaryMetrics m = alink();
    byte[] bytes = CoderUtils.encodeToByteArray(BinaryMetrics.Coder.of(), m);
    BinaryMetrics back = CoderUtils.decodeFromByteArray(BinaryMetrics.Coder.of(), bytes);
    assertEquals(m, back);
    assertEquals(m.curve(), back.curve());
  }

  @Test
  void rowHasEveryMetricOfTheSchema() {
    Row row = alink().toRow();
    assertEquals(BinaryMetrics.schema(), row.getSchema());
    assertEquals(0.8333333333333334, row.getDouble("auc"), 1e-15);
    assertEquals(3L, row.getInt64("truePositives"));
    assertEquals(2L, row.getInt64("falsePositives"));
    assertEquals(0L, row.getInt64("trueNegatives"));
    assertEquals(0.6, row.getDouble("precision"), 1e-15);
  }

  @Test
  void reportShowsMetricsAndConfusionMatrix() {
    String report = alink().report();
    assertTrue(report.contains("auc"), report);
    assertTrue(report.contains("0.8333333333"), report);
    assertTrue(report.contains("Confusion matrix at threshold 0.5"), report);
  }

  @Test
  void twoClassViewHasMacroAverages() {
    MultiClassMetrics view = alink().asMultiClass();
    assertEquals(0.3, view.macroPrecision(), 1e-15);
    assertEquals(0.5, view.macroRecall(), 1e-15);
    assertEquals(0.6, view.accuracy(), 1e-15);
  }
}
