package org.beamlink.transforms.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

/** The {@link MultiClassMetrics} value, from a confusion matrix, without a pipeline. */
class MultiClassMetricsTest {
  private static MultiClassMetrics digits() {
    JsonNode ref = EvaluationReference.get("digits");
    return MultiClassMetrics.of(
        List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
        EvaluationReference.matrix(ref.get("confusionMatrix")),
        ref.get("logLoss").asDouble() * ref.get("labels").size());
  }

  /** Every metric from scikit-learn's confusion matrix equals scikit-learn's value to 1e-12. */
  @Test
  void matchesSklearnFromTheConfusionMatrix() {
    MultiClassEvaluationTest.assertMatchesSklearn(digits());
  }

  @Test
  void coderRoundTrips() throws Exception {
    MultiClassMetrics m = digits().withZeroDivision(1.0);
    byte[] bytes = CoderUtils.encodeToByteArray(MultiClassMetrics.Coder.of(), m);
    assertEquals(m, CoderUtils.decodeFromByteArray(MultiClassMetrics.Coder.of(), bytes));
  }

  @Test
  void reportHasAPerClassTable() {
    String report = digits().report();
    assertTrue(report.contains("support") && report.contains("0.9887640449"), report);
    assertTrue(report.contains("Confusion matrix"), report);
  }

  @Test
  void kappaIsNaNForASingleClassEverywhere() {
    MultiClassMetrics m = MultiClassMetrics.of(List.of("a"), new long[][] {{4}}, Double.NaN);
    assertEquals(1.0, m.accuracy(), 0.0);
    assertTrue(Double.isNaN(m.kappa()));
  }

  @Test
  void rejectsMatrixOfWrongShape() {
    assertThrows(
        IllegalArgumentException.class,
        () -> MultiClassMetrics.of(List.of("a", "b"), new long[][] {{1, 2}}, 0.0));
    assertThrows(IllegalArgumentException.class, () -> digits().withZeroDivision(0.5));
  }
}
