package org.beamlink.transforms.linear;

import static org.beamlink.transforms.linear.LinearTestSupport.csv;
import static org.beamlink.transforms.linear.LinearTestSupport.featureNames;
import static org.beamlink.transforms.linear.LinearTestSupport.keep;
import static org.beamlink.transforms.linear.LinearTestSupport.model;
import static org.beamlink.transforms.linear.LinearTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.iteration.Execution;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.classification.LogisticRegression;
import org.junit.jupiter.api.Test;

class LinearFitTest {
  private static PCollection<Row> breastCancer(Pipeline p) {
    List<Row> rows = csv("breast_cancer.csv", Schema.FieldType.INT32);
    return p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()));
  }

  private static LinearFit fit() {
    return LinearFit.of("LogisticRegression", LinearModelType.LOGISTIC)
        .withLabelCol("label")
        .withFeatureCols(featureNames(30))
        .withL2(1e-2)
        .withMaxIter(8)
        .withTol(0.0)
        .withNumTasks(3);
  }

  /**
   * The shim's two paths run the same program on the same partitions: the same model, bit for bit.
   */
  @Test
  void bothExecutionPathsGiveTheSameModelOnFlink() {
    Pipeline p = TestRunner.FLINK_BATCH.create("--parallelism=2");
    PCollection<Row> rows = breastCancer(p);
    keep(rows.apply("In worker", fit().withExecution(Execution.IN_WORKER)), "path-in-worker");
    keep(rows.apply("Distributed", fit().withExecution(Execution.DISTRIBUTED)), "path-distributed");
    TestRunner.FLINK_BATCH.run(p);
    LinearModel inWorker = model("path-in-worker");
    LinearModel distributed = model("path-distributed");
    assertEquals(8, inWorker.provenance().iterations());
    assertArrayEquals(inWorker.coefficients(), distributed.coefficients(), 0.0);
    assertArrayEquals(inWorker.provenance().lossCurve(), distributed.provenance().lossCurve(), 0.0);
  }

  @Test
  void lossCurveIsRecordedAndDecreases() {
    Pipeline p = TestRunner.DIRECT.create();
    keep(breastCancer(p).apply(fit()), "curve");
    TestRunner.DIRECT.run(p);
    double[] curve = model("curve").provenance().lossCurve();
    assertEquals(9, curve.length);
    for (int i = 1; i < curve.length; i++) {
      assertTrue(curve[i] <= curve[i - 1], "loss rose at iteration " + i);
    }
    assertEquals(curve[8], model("curve").provenance().finalLoss());
  }

  private static final Schema VECTORS =
      Schema.builder()
          .addField("features", VectorLogicalType.FIELD_TYPE)
          .addStringField("label")
          .build();

  private static Row vectorRow(String label, double... x) {
    return Row.withSchema(VECTORS).addValues(Vector.dense(x), label).build();
  }

  @Test
  void predictSendsVectorsOfTheWrongSizeToTheFailureOutput() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> train =
        p.apply(
            "Train",
            Create.of(vectorRow("a", 0, 1), vectorRow("b", 1, 0), vectorRow("a", 0, 2))
                .withRowSchema(VECTORS));
    PCollection<LinearModel> model =
        train.apply(
            LogisticRegression.fit().withLabelCol("label").withVectorCol("features").withL2(1));
    PCollection<Row> score =
        p.apply(
            "Score",
            Create.of(vectorRow("a", 1, 1), vectorRow("b", 1, 2, 3)).withRowSchema(VECTORS));
    WithFailures.Result<PCollection<Row>, Row> result =
        score.apply(LogisticRegression.predict(model).withFailures());
    PAssert.that(result.output())
        .satisfies(
            out -> {
              assertEquals(1, out.spliterator().getExactSizeIfKnown());
              return null;
            });
    PAssert.that(result.failures())
        .satisfies(
            out -> {
              Row f = out.iterator().next();
              assertTrue(f.getString("error").contains("size 3"), f.getString("error"));
              assertTrue(f.getString("error").contains("2 coefficients"), f.getString("error"));
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void warmStartRejectsALabelTheModelDoesNotKnow() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> first =
        p.apply(
            "First", Create.of(vectorRow("a", 0, 1), vectorRow("b", 1, 0)).withRowSchema(VECTORS));
    PCollection<LinearModel> model =
        first.apply(
            "Fit",
            LogisticRegression.fit().withLabelCol("label").withVectorCol("features").withL2(1));
    p.apply("Second", Create.of(vectorRow("a", 0, 1), vectorRow("c", 1, 1)).withRowSchema(VECTORS))
        .apply(
            "Refit",
            LogisticRegression.fit()
                .withLabelCol("label")
                .withVectorCol("features")
                .withL2(1)
                .withInitialModel(model));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    String message = rootMessage(e);
    assertTrue(message.contains("value c"), message);
    assertTrue(message.contains("[a, b]"), message);
  }

  /** Numeric labels are packed as they are and mapped to classes in the first superstep. */
  @Test
  void warmStartRejectsANumericLabelTheModelDoesNotKnow() {
    Schema numeric = Schema.builder().addDoubleField("x").addInt32Field("label").build();
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<LinearModel> model =
        p.apply(
                "First",
                Create.of(
                        Row.withSchema(numeric).addValues(0.0, 0).build(),
                        Row.withSchema(numeric).addValues(1.0, 1).build())
                    .withRowSchema(numeric))
            .apply("Fit", LogisticRegression.fit().withLabelCol("label").withFeatureCols("x"));
    p.apply(
            "Second",
            Create.of(
                    Row.withSchema(numeric).addValues(0.0, 0).build(),
                    Row.withSchema(numeric).addValues(5.0, 2).build())
                .withRowSchema(numeric))
        .apply(
            "Refit",
            LogisticRegression.fit()
                .withLabelCol("label")
                .withFeatureCols("x")
                .withInitialModel(model));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    String message = rootMessage(e);
    assertTrue(message.contains("value 2.0"), message);
    assertTrue(message.contains("[0, 1]"), message);
    assertTrue(message.contains("5.0"), message);
  }

  @Test
  void rejectsNaNFeatureNamingTheRow() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(vectorRow("a", 0, 1), vectorRow("b", Double.NaN, 0)).withRowSchema(VECTORS))
        .apply(LogisticRegression.fit().withLabelCol("label").withVectorCol("features"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertTrue(rootMessage(e).contains("NaN"), rootMessage(e));
  }

  @Test
  void rejectsConflictingPenalties() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(VECTORS));
    IllegalArgumentException both =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    LogisticRegression.fit()
                        .withLabelCol("label")
                        .withVectorCol("features")
                        .withL1(0.1)
                        .withRegParam(0.1)));
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> LogisticRegression.fit().withElasticNetParam(1.5));
  }
}
