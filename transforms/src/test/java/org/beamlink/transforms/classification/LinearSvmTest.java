package org.beamlink.transforms.classification;

import static org.beamlink.transforms.linear.LinearTestSupport.coefficientError;
import static org.beamlink.transforms.linear.LinearTestSupport.csv;
import static org.beamlink.transforms.linear.LinearTestSupport.featureNames;
import static org.beamlink.transforms.linear.LinearTestSupport.keep;
import static org.beamlink.transforms.linear.LinearTestSupport.maxRelativeError;
import static org.beamlink.transforms.linear.LinearTestSupport.model;
import static org.beamlink.transforms.linear.LinearTestSupport.reference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.optim.SquaredHingeLoss;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.linear.LinearFit;
import org.junit.jupiter.api.Test;

class LinearSvmTest {
  private static LinearFit fit() {
    return LinearSvm.fit()
        .withLabelCol("label")
        .withFeatureCols(featureNames(30))
        .withIntercept(false)
        .withL2(1e-2)
        .withTol(0.0)
        .withMaxIter(1000)
        .withNumTasks(2);
  }

  private static PCollection<Row> breastCancer(Pipeline p) {
    List<Row> rows = csv("breast_cancer.csv", Schema.FieldType.INT32);
    return p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()));
  }

  /**
   * linear_reference.json case svm_squared_hinge_breast_cancer_std: scikit-learn {@code
   * LinearSVC(loss="squared_hinge", dual=False, fit_intercept=False, C=1/(n*0.01))} on X / s, the
   * coefficients divided by s.
   */
  @Test
  void squaredHingeMatchesSklearnOnDirectAndFlink() {
    for (TestRunner runner : List.of(TestRunner.DIRECT, TestRunner.FLINK_BATCH)) {
      Pipeline p = runner.create("--parallelism=2");
      PCollection<Row> rows = breastCancer(p);
      keep(rows.apply("Converged", fit().withLoss(new SquaredHingeLoss())), "svm2-" + runner);
      keep(
          rows.apply("Fifteen", fit().withLoss(new SquaredHingeLoss()).withMaxIter(15)),
          "svm15-" + runner);
      runner.run(p);
      LinearModel m = model("svm2-" + runner);
      JsonNode ref = reference("svm_squared_hinge_breast_cancer_std");
      double err = coefficientError(m, ref, 1e-3);
      assertTrue(err < 1e-4, "coefficients off by " + err);
      assertEquals(ref.get("F").asDouble(), m.provenance().finalLoss(), 1e-7);
    }
    // Converged runs agree to ~1e-8 (the optimum is flat to rounding); 15 iterations to 1e-9.
    assertTrue(
        maxRelativeError(
                model("svm15-" + TestRunner.FLINK_BATCH).coefficients(),
                model("svm15-" + TestRunner.DIRECT).coefficients(),
                1e-3)
            < 1e-9);
  }

  /**
   * linear_reference.json case svm_hinge_breast_cancer_std: liblinear's dual solution of the same
   * problem with the hinge loss. The hinge has a kink that L-BFGS only approaches (the class
   * javadoc warns), and where it stalls depends on rounding: measured 1.7e-3 to 5.4e-3 above the
   * optimum, so the objective is compared within 1e-2 relative.
   */
  @Test
  void hingeObjectiveIsCloseToLiblinear() {
    Pipeline p = TestRunner.DIRECT.create();
    keep(breastCancer(p).apply(fit()), "svm1");
    TestRunner.DIRECT.run(p);
    double ref = reference("svm_hinge_breast_cancer_std").get("F").asDouble();
    double ours = model("svm1").provenance().finalLoss();
    assertTrue(
        ours >= ref * (1 - 1e-9) && ours - ref <= 1e-2 * ref,
        "hinge objective " + ours + " vs " + ref);
  }
}
