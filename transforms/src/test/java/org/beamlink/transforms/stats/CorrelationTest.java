package org.beamlink.transforms.stats;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.clustering.TestData;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.junit.jupiter.api.Test;

class CorrelationTest {
  /**
   * numpy's corrcoef and scipy's spearmanr against ours: both sum in other orders, so agreement is
   * to rounding, 1e-12 absolute on coefficients in [-1, 1].
   */
  private static final double TOLERANCE = 1e-12;

  private static final Schema XYZ =
      Schema.builder()
          .addNullableField("x", FieldType.DOUBLE)
          .addInt32Field("y")
          .addDoubleField("z")
          .build();

  private static final Schema VECTORS =
      Schema.builder().addField("features", VectorLogicalType.FIELD_TYPE).build();

  private static Row xyz(Double x, int y, double z) {
    return Row.withSchema(XYZ).addValues(x, y, z).build();
  }

  /** The matrix against stats_reference.json's {@code method/dataset}, columns included. */
  static void assertMatchesReference(CorrelationMatrix m, String method, String dataset) {
    JsonNode ref = StatsReference.get(method, dataset);
    List<String> columns = new ArrayList<>();
    ref.get("columns").forEach(c -> columns.add(c.asText()));
    assertEquals(columns, m.columns());
    double[][] expected = StatsReference.matrix(ref.get("matrix"));
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected.length; j++) {
        assertEquals(
            expected[i][j],
            m.get(i, j),
            TOLERANCE,
            method + " " + dataset + " [" + i + "][" + j + "]");
      }
    }
  }

  private static List<Row> diabetes() {
    return LinearTestSupport.csv("diabetes.csv", FieldType.DOUBLE);
  }

  /**
   * Pearson and Spearman on Iris and Spearman on diabetes (its sex column has two values: 442 ties
   * in two groups) against numpy's corrcoef and scipy's spearmanr, on both runners: the Flink run
   * sorts the ranges and joins the ranks back on two workers.
   */
  @BoundedRunnerTest
  void matchesNumpyAndScipyOnIrisAndDiabetes(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> iris =
        p.apply("Iris", Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
    PCollection<Row> diabetes =
        p.apply("Diabetes", Create.of(diabetes()).withRowSchema(diabetes().get(0).getSchema()));
    PAssert.thatSingleton(iris.apply("Pearson iris", Correlation.pearson()))
        .satisfies(
            m -> {
              assertMatchesReference(m, "pearson", "iris");
              assertEquals(150, m.rows());
              assertEquals("pearson", m.method());
              return null;
            });
    PAssert.thatSingleton(iris.apply("Spearman iris", Correlation.spearman()))
        .satisfies(
            m -> {
              assertMatchesReference(m, "spearman", "iris");
              assertEquals(150, m.rows());
              return null;
            });
    PAssert.thatSingleton(diabetes.apply("Spearman diabetes", Correlation.spearman()))
        .satisfies(
            m -> {
              assertMatchesReference(m, "spearman", "diabetes");
              assertEquals(442, m.rows());
              return null;
            });
    runner.run(p);
  }

  @Test
  void pearsonOfDiabetesMatchesNumpyInOnePass() {
    List<Row> rows = diabetes();
    CorrelationMatrixFn.RowsFn fn =
        new CorrelationMatrixFn.RowsFn(
            FeatureColumns.of(rows.get(0).getSchema().getFieldNames())
                .bind(rows.get(0).getSchema()),
            "pearson",
            rows.get(0).getSchema().getFieldNames(),
            null);
    CoMoments odd = fn.createAccumulator();
    CoMoments even = fn.createAccumulator();
    for (int i = 0; i < rows.size(); i++) {
      fn.addInput(i % 2 == 0 ? even : odd, rows.get(i));
    }
    assertMatchesReference(
        fn.extractOutput(fn.mergeAccumulators(List.of(odd, even))), "pearson", "diabetes");
  }

  /**
   * A vector column gives the matrix of its coordinates, named features[i]; dense and sparse
   * vectors mixed, zeros implicit or stored (some as -0.0, which ranks with 0.0, as in scipy).
   * Cross-checked with commons-math3's SpearmansCorrelation (average ranks for ties), which also
   * holds the duplicated first row twice.
   */
  @Test
  void correlatesTheCoordinatesOfSparseVectorsWithTiedZeros() {
    double[][] data = {
      {0, 1, 2}, {0, 0, 3}, {1, 0, -0.0}, {2, 5, 0}, {0, 1, 2}, {3, 0, 1}, {-0.0, 2, 0}
    };
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < data.length; i++) {
      // Even rows dense (rows 2 and 6 hold -0.0), odd rows sparse (their zeros implicit).
      Vector v = i % 2 == 0 ? Vector.dense(data[i]) : Vector.dense(data[i]).toSparse();
      rows.add(Row.withSchema(VECTORS).addValue(v).build());
    }
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> input = p.apply(Create.of(rows).withRowSchema(VECTORS));
    // commons-math3 ranks with Double.compare, which puts -0.0 below 0.0: give it 0.0 there.
    // scipy.stats.spearmanr on the data as written agrees (features[0] and [1]: -0.14452202).
    double[][] zeros = new double[data.length][];
    for (int i = 0; i < data.length; i++) {
      zeros[i] = data[i].clone();
      for (int j = 0; j < zeros[i].length; j++) {
        zeros[i][j] += 0.0;
      }
    }
    double[][] expected = new SpearmansCorrelation().computeCorrelationMatrix(zeros).getData();
    PAssert.thatSingleton(input.apply(Correlation.spearman().withVectorCol("features")))
        .satisfies(
            m -> {
              assertEquals(List.of("features[0]", "features[1]", "features[2]"), m.columns());
              for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                  assertEquals(expected[i][j], m.get(i, j), TOLERANCE);
                }
              }
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void aConstantColumnGetsNaNAndEmptyInputGivesANaNMatrix() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows =
        p.apply(
            "Rows",
            Create.of(xyz(1.0, 4, 0.5), xyz(2.0, 4, 0.25), xyz(3.0, 4, 1.0)).withRowSchema(XYZ));
    for (Correlation.Globally method : List.of(Correlation.pearson(), Correlation.spearman())) {
      PAssert.thatSingleton(rows.apply(method.method() + " constant", method))
          .satisfies(
              m -> {
                assertTrue(Double.isNaN(m.get("x", "y")), "y is constant");
                assertTrue(Double.isNaN(m.get("y", "y")));
                assertEquals(1.0, m.get("x", "x"));
                return null;
              });
    }
    PCollection<Row> empty = p.apply("Empty", Create.empty(XYZ));
    PAssert.thatSingleton(empty.apply("Empty spearman", Correlation.spearman()))
        .satisfies(
            m -> {
              assertEquals(0, m.rows());
              assertEquals(List.of("x", "y", "z"), m.columns());
              assertTrue(Double.isNaN(m.get(0, 1)));
              return null;
            });
    PAssert.thatSingleton(
            p.apply("Empty vectors", Create.empty(VECTORS))
                .apply("Empty vector pearson", Correlation.pearson().withVectorCol("features")))
        .satisfies(
            m -> {
              assertEquals(List.of(), m.columns(), "a vector column of unknown size");
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void rejectsANaNValueNamingColumnAndRow() {
    for (Correlation.Globally method : List.of(Correlation.pearson(), Correlation.spearman())) {
      Pipeline p = TestRunner.DIRECT.create();
      p.apply(Create.of(xyz(1.0, 1, 2), xyz(Double.NaN, 2, 3)).withRowSchema(XYZ)).apply(method);
      RuntimeException e = assertThrows(RuntimeException.class, () -> TestRunner.DIRECT.run(p));
      assertThat(
          LinearTestSupport.rootMessage(e), containsString("Column 'x' has value NaN in row"));
    }
  }

  @Test
  void rejectsBadColumnsWhenThePipelineIsBuilt() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(XYZ));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply("Missing", Correlation.pearson().withColumns("x", "nope")));
    assertThat(e.getMessage(), containsString("Column 'nope' not found"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply("Both", Correlation.pearson().withColumns("x", "y").withVectorCol("v")));
    assertThat(e.getMessage(), containsString("not both"));
    e = assertThrows(IllegalArgumentException.class, () -> Correlation.spearman().withColumns("x"));
    assertEquals("Expected at least 2 columns, got [x]", e.getMessage());
  }

  @Test
  void matrixRoundTripsThroughItsCoderAndPrintsATable() throws Exception {
    CorrelationMatrix m =
        CorrelationMatrix.of(
            "spearman", 3, List.of("a", "bb"), new double[][] {{1, -0.5}, {-0.5, Double.NaN}});
    assertEquals(m, CoderUtils.clone(CorrelationMatrix.Coder.of(), m));
    assertEquals(
        String.join(
            "\n",
            "Spearman correlation of 3 rows",
            "       a    bb",
            "a      1  -0.5",
            "bb  -0.5   NaN",
            ""),
        m.report());
    assertEquals(-0.5, m.get("bb", "a"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> m.get("c", "a"));
    assertEquals("No column 'c' in the correlation matrix; it has [a, bb]", e.getMessage());
  }
}
