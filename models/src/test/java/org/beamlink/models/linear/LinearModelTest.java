package org.beamlink.models.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.junit.jupiter.api.Test;

class LinearModelTest {
  private static final Provenance PROVENANCE =
      Provenance.of("test", Map.of("l2", "0.1"), 0, 3, 0.5, 10)
          .withLossCurve(new double[] {0.7, 0.6, 0.55, 0.5});

  private static final Schema INPUT =
      Schema.builder().addDoubleField("a").addDoubleField("b").build();

  private static LinearModel logistic() {
    return LinearModel.of(
        LinearModelType.LOGISTIC,
        2,
        new double[] {1.0, -2.0},
        new double[] {0.5},
        List.of("3", "7"),
        TypeName.INT32,
        FeatureColumns.of(List.of("a", "b")),
        PROVENANCE);
  }

  @Test
  void coderRoundTripsEveryModelType() throws IOException {
    LinearModel softmax =
        LinearModel.of(
            LinearModelType.SOFTMAX,
            2,
            new double[] {1, 2, 3, 4, 5, 6},
            new double[] {0.1, 0.2, -0.3},
            List.of("x", "y", "z"),
            TypeName.STRING,
            FeatureColumns.ofVector("v"),
            PROVENANCE);
    LinearModel regression =
        LinearModel.of(
            LinearModelType.REGRESSION,
            2,
            new double[] {1, 2},
            new double[] {3},
            List.of(),
            null,
            FeatureColumns.of(List.of("a", "b")),
            PROVENANCE);
    for (LinearModel m : List.of(logistic(), softmax, regression)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LinearModelCoder.of(m.labelType()).encode(m, out);
      LinearModel back =
          LinearModelCoder.of(m.labelType()).decode(new ByteArrayInputStream(out.toByteArray()));
      assertEquals(m, back);
      assertArrayEquals(PROVENANCE.lossCurve(), back.provenance().lossCurve(), 0.0);
    }
  }

  @Test
  void decodingATruncatedModelFailsClearly() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LinearModelCoder.of(TypeName.INT32).encode(logistic(), out);
    byte[] truncated = Arrays.copyOf(out.toByteArray(), 30);
    assertThrows(
        IOException.class,
        () -> LinearModelCoder.of(TypeName.INT32).decode(new ByteArrayInputStream(truncated)));
    byte[] wrongVersion = out.toByteArray().clone();
    wrongVersion[0] = 9;
    CoderException e =
        assertThrows(
            CoderException.class,
            () ->
                LinearModelCoder.of(TypeName.INT32).decode(new ByteArrayInputStream(wrongVersion)));
    assertTrue(e.getMessage().contains("version"), e.getMessage());
  }

  @Test
  void classifierScorerAppendsTypedLabelAndProbabilities() {
    LinearScorer scorer =
        LinearScorer.classifier(INPUT, TypeName.INT32, "prediction", "predictionDetail");
    Row row = Row.withSchema(INPUT).addValues(1.0, 0.0).build();
    Row out = scorer.score(logistic(), row);
    // margin 1 * 1 - 2 * 0 + 0.5 = 1.5: the second label, 7, with p = sigmoid(1.5)
    assertEquals(7, out.getInt32("prediction"));
    Vector detail = out.getLogicalTypeValue("predictionDetail", Vector.class);
    double p = 1 / (1 + Math.exp(-1.5));
    assertArrayEquals(new double[] {1 - p, p}, detail.toArray(), 1e-15);
  }

  @Test
  void softmaxProbabilitiesSumToOne() {
    LinearModel m =
        LinearModel.of(
            LinearModelType.SOFTMAX,
            1,
            new double[] {1, 2, 3},
            new double[] {0, 0, 0},
            List.of("a", "b", "c"),
            TypeName.STRING,
            FeatureColumns.of(List.of("a")),
            PROVENANCE);
    double[] p = m.probabilities(Vector.dense(1000.0));
    assertEquals(1.0, p[0] + p[1] + p[2], 1e-12);
    assertEquals(2, m.predictIndex(Vector.dense(1000.0)));
  }

  @Test
  void scorerRejectsVectorOfWrongSizeAndModelOfTheWrongKind() {
    Schema vectors =
        Schema.builder()
            .addField("v", org.beamlink.models.linalg.VectorLogicalType.FIELD_TYPE)
            .build();
    LinearModel m =
        LinearModel.of(
            LinearModelType.REGRESSION,
            2,
            new double[] {1, 2},
            new double[] {3},
            List.of(),
            null,
            FeatureColumns.ofVector("v"),
            PROVENANCE);
    LinearScorer scorer = LinearScorer.regression(vectors, "prediction");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                scorer.score(m, Row.withSchema(vectors).addValues(Vector.dense(1, 2, 3)).build()));
    assertTrue(e.getMessage().contains("size 3"), e.getMessage());
    assertEquals(
        5.0 + 3.0,
        scorer
            .score(m, Row.withSchema(vectors).addValues(Vector.dense(1, 2)).build())
            .getDouble("prediction"),
        1e-15);
    IllegalArgumentException kind =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LinearScorer.classifier(INPUT, TypeName.INT32, "p", "d")
                    .score(m, Row.withSchema(INPUT).addValues(1.0, 2.0).build()));
    assertTrue(kind.getMessage().contains("REGRESSION"), kind.getMessage());
  }

  @Test
  void rejectsInconsistentShapes() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LinearModel.of(
                LinearModelType.LOGISTIC,
                3,
                new double[] {1, 2},
                new double[] {0},
                List.of("a", "b"),
                TypeName.STRING,
                FeatureColumns.ofVector("v"),
                PROVENANCE));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LinearModel.of(
                LinearModelType.LOGISTIC,
                2,
                new double[] {1, 2},
                new double[] {0},
                List.of("a"),
                TypeName.STRING,
                FeatureColumns.ofVector("v"),
                PROVENANCE));
  }
}
