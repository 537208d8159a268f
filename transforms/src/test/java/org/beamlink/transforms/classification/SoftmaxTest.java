package org.beamlink.transforms.classification;

import static org.beamlink.transforms.linear.LinearTestSupport.coefficientError;
import static org.beamlink.transforms.linear.LinearTestSupport.csv;
import static org.beamlink.transforms.linear.LinearTestSupport.doubles;
import static org.beamlink.transforms.linear.LinearTestSupport.featureNames;
import static org.beamlink.transforms.linear.LinearTestSupport.keep;
import static org.beamlink.transforms.linear.LinearTestSupport.maxRelativeError;
import static org.beamlink.transforms.linear.LinearTestSupport.model;
import static org.beamlink.transforms.linear.LinearTestSupport.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.clustering.TestData;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
  private static void assertMatches(LinearModel m, JsonNode ref, double tol) {
    double err = coefficientError(m, ref, 1e-2);
    assertTrue(err < tol, "coefficients off by " + err + " in " + m);
    assertArrayEquals(doubles(ref.get("intercepts")), m.intercepts(), tol * 10);
    assertEquals(ref.get("F").asDouble(), m.provenance().finalLoss(), 1e-7);
  }

  /**
   * linear_reference.json case softmax_iris_std: scikit-learn multinomial {@code
   * LogisticRegression(C=1)} on X / s, coefficients divided by s: l2 = 1/150, standardization on.
   */
  @Test
  void irisMatchesSklearnOnDirectAndFlink() {
    for (TestRunner runner : List.of(TestRunner.DIRECT, TestRunner.FLINK_BATCH)) {
      Pipeline p = runner.create("--parallelism=2");
      PCollection<Row> rows = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
      PCollection<LinearModel> model =
          rows.apply(
              Softmax.fit()
                  .withLabelCol("species")
                  .withFeatureCols("sepal_length", "sepal_width", "petal_length", "petal_width")
                  .withL2(1.0 / 150)
                  .withTol(0.0)
                  .withMaxIter(500)
                  .withNumTasks(2));
      keep(model, "iris-" + runner);
      keep(
          rows.apply(
              "Fifteen",
              Softmax.fit()
                  .withLabelCol("species")
                  .withFeatureCols("sepal_length", "sepal_width", "petal_length", "petal_width")
                  .withL2(1.0 / 150)
                  .withMaxIter(15)
                  .withNumTasks(2)),
          "iris15-" + runner);
      PAssert.that(rows.apply(Softmax.predict(model)))
          .satisfies(
              out -> {
                int right = 0;
                for (Row r : out) {
                  Vector p3 = r.getLogicalTypeValue("predictionDetail", Vector.class);
                  assertEquals(3, p3.size());
                  right += r.getString("prediction").equals(r.getString("species")) ? 1 : 0;
                }
                assertTrue(right >= 140, "training accuracy " + right + "/150");
                return null;
              });
      runner.run(p);
      LinearModel m = model("iris-" + runner);
      assertEquals(LinearModelType.SOFTMAX, m.type());
      assertEquals(List.of("setosa", "versicolor", "virginica"), m.labelValues());
      assertMatches(m, reference("softmax_iris_std"), 1e-4);
    }
    // Converged runs agree to ~1e-7 (the optimum is flat to rounding); 15 iterations to 1e-9.
    assertTrue(
        maxRelativeError(
                model("iris15-" + TestRunner.FLINK_BATCH).coefficients(),
                model("iris15-" + TestRunner.DIRECT).coefficients(),
                1e-3)
            < 1e-9);
  }

  /**
   * linear_reference.json case softmax_digits: multinomial {@code LogisticRegression(C=0.1)} on the
   * 1797 digits, l2 = 1/(0.1 n), no standardization; integer labels.
   */
  @Test
  void digitsMatchesSklearn() {
    Pipeline p = TestRunner.DIRECT.create();
    List<Row> digits = csv("digits.csv", Schema.FieldType.INT32);
    PCollection<Row> rows = p.apply(Create.of(digits).withRowSchema(digits.get(0).getSchema()));
    keep(
        rows.apply(
            Softmax.fit()
                .withLabelCol("label")
                .withFeatureCols(featureNames(64))
                .withL2(1.0 / (0.1 * digits.size()))
                .withTol(0.0)
                .withMaxIter(1000)),
        "digits");
    TestRunner.DIRECT.run(p);
    LinearModel m = model("digits");
    assertEquals(10, m.numVectors());
    assertEquals("0", m.labelValues().get(0));
    assertEquals("9", m.labelValues().get(9));
    assertMatches(m, reference("softmax_digits_std"), 1e-4);
  }
}
