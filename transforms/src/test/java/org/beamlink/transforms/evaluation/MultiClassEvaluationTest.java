package org.beamlink.transforms.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * Pipelines of {@link MultiClassEvaluation}: scikit-learn's metrics of cross-validated digits
 * predictions (evaluation_reference.json) on the DirectRunner and FlinkRunner, the detail-only
 * form, label order, and bad input.
 */
class MultiClassEvaluationTest {
  /** Sums over 1797 rows in another order than numpy's: well below 1e-12. */
  private static final double TOL = 1e-12;

  private static final Schema SCHEMA =
      Schema.builder()
          .addInt32Field("label")
          .addInt32Field("prediction")
          .addField("detail", VectorLogicalType.FIELD_TYPE)
          .build();

  private static final String[] DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

  private static List<Row> digits() {
    JsonNode ref = EvaluationReference.get("digits");
    int[] labels = EvaluationReference.ints(ref.get("labels"));
    int[] predictions = EvaluationReference.ints(ref.get("predictions"));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      double[] p = EvaluationReference.doubles(ref.get("probabilities").get(i));
      rows.add(
          Row.withSchema(SCHEMA).addValues(labels[i], predictions[i], Vector.dense(p)).build());
    }
    return rows;
  }

  static void assertMatchesSklearn(MultiClassMetrics m) {
    JsonNode ref = EvaluationReference.get("digits");
    for (String metric :
        List.of(
            "accuracy",
            "kappa",
            "logLoss",
            "macroPrecision",
            "macroRecall",
            "macroF1",
            "microPrecision",
            "microRecall",
            "microF1",
            "weightedPrecision",
            "weightedRecall",
            "weightedF1")) {
      assertEquals(ref.get(metric).asDouble(), m.toRow().getDouble(metric), TOL, metric);
    }
    assertEquals(
        Arrays.deepToString(EvaluationReference.matrix(ref.get("confusionMatrix"))),
        Arrays.deepToString(m.confusionMatrix()));
    assertEquals(List.of(DIGITS), m.labels());
  }

  /** Digits predictions against scikit-learn to 1e-12, on the DirectRunner and Flink batch. */
  @BoundedRunnerTest
  void matchesSklearnOnDigits(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<MultiClassMetrics> metrics =
        p.apply(Create.of(digits()).withRowSchema(SCHEMA))
            .apply(
                MultiClassEvaluation.of("label", "prediction")
                    .withPredictionDetailCol("detail")
                    .withDetailLabels(DIGITS));
    PAssert.thatSingleton(metrics)
        .satisfies(
            m -> {
              assertMatchesSklearn(m);
              return null;
            });
    runner.run(p);
  }

  /** With only the detail, the prediction is the most probable label: the same as argmax. */
  @Test
  void predictsTheMostProbableLabelOfADetail() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<MultiClassMetrics> metrics =
        p.apply(Create.of(digits()).withRowSchema(SCHEMA))
            .apply(MultiClassEvaluation.ofDetail("label", "detail").withDetailLabels(DIGITS));
    PAssert.thatSingleton(metrics)
        .satisfies(
            m -> {
              assertMatchesSklearn(m);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /**
   * Labels are the sorted union of labels and predictions, numbers by value (10 after 9), as
   * scikit-learn; a class never predicted has precision 0 (zero_division=0).
   */
  @Test
  void sortsLabelsByValueAndCountsPredictionOnlyClasses() {
    Schema schema = Schema.builder().addInt64Field("y").addInt64Field("p").build();
    List<Row> rows =
        List.of(
            Row.withSchema(schema).addValues(10L, 10L).build(),
            Row.withSchema(schema).addValues(9L, 10L).build(),
            Row.withSchema(schema).addValues(9L, 9L).build(),
            Row.withSchema(schema).addValues(2L, 3L).build());
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<MultiClassMetrics> metrics =
        p.apply(Create.of(rows).withRowSchema(schema)).apply(MultiClassEvaluation.of("y", "p"));
    PAssert.thatSingleton(metrics)
        .satisfies(
            m -> {
              assertEquals(List.of("2", "3", "9", "10"), m.labels());
              assertEquals(
                  "[[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]]",
                  Arrays.deepToString(m.confusionMatrix()));
              // precision per class: 0 (never predicted), 0, 1, 1/2 -> macro 0.375
              assertEquals(0.375, m.macroPrecision(), 1e-15);
              assertTrue(Double.isNaN(m.logLoss()));
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void rejectsLabelNotAmongTheDetailLabels() {
    Schema schema =
        Schema.builder()
            .addStringField("label")
            .addMapField("detail", FieldType.STRING, FieldType.DOUBLE)
            .build();
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
            Create.of(
                    Row.withSchema(schema).addValues("a", Map.of("a", 0.7, "b", 0.3)).build(),
                    Row.withSchema(schema).addValues("c", Map.of("a", 0.4, "b", 0.6)).build())
                .withRowSchema(schema))
        .apply(MultiClassEvaluation.ofDetail("label", "detail"));
    String message =
        EvaluationReference.rootMessage(
            assertThrows(RuntimeException.class, () -> TestRunner.DIRECT.run(p)));
    assertTrue(message.contains("Label column 'label' has value 'c'"), message);
    assertTrue(message.contains("in row"), message);
  }

  @Test
  void rejectsWrongVectorSizeNamingColumnAndRow() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
            Create.of(Row.withSchema(SCHEMA).addValues(1, 1, Vector.dense(0.5, 0.5)).build())
                .withRowSchema(SCHEMA))
        .apply(MultiClassEvaluation.ofDetail("label", "detail").withDetailLabels("0", "1", "2"));
    String message =
        EvaluationReference.rootMessage(
            assertThrows(RuntimeException.class, () -> TestRunner.DIRECT.run(p)));
    assertTrue(message.contains("'detail' has a vector of size 2"), message);
  }

  @Test
  void rejectsEmptyBoundedInput() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.empty(SCHEMA)).apply(MultiClassEvaluation.of("label", "prediction"));
    String message =
        EvaluationReference.rootMessage(
            assertThrows(RuntimeException.class, () -> TestRunner.DIRECT.run(p)));
    assertEquals("MultiClassEvaluation: no rows to evaluate", message);
  }

  @Test
  void rejectsPredictionOfAnotherTypeAtConstruction() {
    Schema schema = Schema.builder().addInt32Field("label").addStringField("prediction").build();
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(schema));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(MultiClassEvaluation.of("label", "prediction")));
    assertTrue(
        e.getMessage().contains("Prediction column 'prediction' has type STRING"), e.getMessage());
  }
}
