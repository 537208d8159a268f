package org.beamlink.transforms.stats;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.junit.jupiter.api.Test;

class ChiSquareTestTest {
  private static final List<String> BINS =
      List.of("sepal_length_bin", "sepal_width_bin", "petal_length_bin", "petal_width_bin");

  private static final Schema SMALL =
      Schema.builder()
          .addNullableField("color", FieldType.STRING)
          .addDoubleField("size")
          .addStringField("label")
          .build();

  private static Row small(String color, double size, String label) {
    return Row.withSchema(SMALL).addValues(color, size, label).build();
  }

  /**
   * Each binned Iris column against the species, against scipy's {@code chi2_contingency(table,
   * correction=False)} (stats_reference.json): statistics to relative 1e-12 (sums in another
   * order), p-values to relative 1e-12 (they reach 1e-44, so an absolute tolerance would say
   * nothing), degrees of freedom exactly.
   */
  static void assertMatchesScipy(ChiSquareTestResult result) {
    assertEquals("species", result.labelCol());
    assertEquals(150, result.rows());
    assertEquals(BINS, result.features().stream().map(FeatureChiSquare::column).toList());
    for (String column : BINS) {
      JsonNode ref = StatsReference.get("chi2", column);
      FeatureChiSquare t = result.feature(column);
      double statistic = ref.get("statistic").asDouble();
      double p = ref.get("pValue").asDouble();
      assertEquals(statistic, t.statistic(), 1e-12 * statistic, column + " statistic");
      assertEquals(p, t.pValue(), 1e-12 * p, column + " p-value");
      assertEquals(ref.get("degreesOfFreedom").asLong(), t.degreesOfFreedom(), column + " df");
      assertEquals(ref.get("table").size(), t.values(), column + " values");
    }
  }

  @Test
  void testsBinnedIrisLikeScipyOnTheDirectRunner() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<ChiSquareTestResult> result =
        p.apply(
                Create.of(StatsReference.irisCategorical())
                    .withRowSchema(StatsReference.IRIS_CATEGORICAL))
            .apply(ChiSquareTest.of("species"));
    PAssert.thatSingleton(result)
        .satisfies(
            r -> {
              assertMatchesScipy(r);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void mergingPartialTablesGivesTheOnePassResult() {
    List<Row> rows = StatsReference.irisCategorical();
    ChiSquareTest.ContingencyFn fn = contingencyFn();
    ChiSquareTest.Tables a = fn.createAccumulator();
    ChiSquareTest.Tables b = fn.createAccumulator();
    for (int i = 0; i < rows.size(); i++) {
      fn.addInput(i % 3 == 0 ? a : b, rows.get(i));
    }
    assertMatchesScipy(
        fn.extractOutput(fn.mergeAccumulators(List.of(a, fn.createAccumulator(), b))));
  }

  private static ChiSquareTest.ContingencyFn contingencyFn() {
    Schema s = StatsReference.IRIS_CATEGORICAL;
    return new ChiSquareTest.ContingencyFn(
        BINS,
        new int[] {0, 1, 2, 3},
        new Schema.TypeName[] {
          Schema.TypeName.INT64,
          Schema.TypeName.INT64,
          Schema.TypeName.INT64,
          Schema.TypeName.STRING
        },
        "species",
        s.indexOf("species"),
        Schema.TypeName.STRING);
  }

  @Test
  void accumulatorCoderRoundTripsTheTables() throws Exception {
    ChiSquareTest.ContingencyFn fn = contingencyFn();
    ChiSquareTest.Tables tables = fn.createAccumulator();
    for (Row row : StatsReference.irisCategorical()) {
      fn.addInput(tables, row);
    }
    ChiSquareTest.Tables back = CoderUtils.clone(new ChiSquareTest.TablesCoder(4), tables);
    assertEquals(tables.rows, back.rows);
    assertEquals(tables.byFeature, back.byFeature);
    ChiSquareTestResult result = fn.extractOutput(back);
    assertEquals(result, CoderUtils.clone(ChiSquareTestResult.Coder.of(), result));
  }

  @Test
  void aTwoByTwoTableHasNoYatesCorrection() {
    // scipy.stats.chi2_contingency([[10, 20], [30, 40]], correction=False):
    // (0.7936507936507936, 0.37299848361348686, 1); with Yates' correction the statistic is 0.4464.
    FeatureChiSquare t = FeatureChiSquare.of("x", new long[][] {{10, 20}, {30, 40}});
    assertEquals(0.7936507936507937, t.statistic(), 1e-15);
    assertEquals(0.37299848361348686, t.pValue(), 1e-15);
    assertEquals(1, t.degreesOfFreedom());
  }

  @Test
  void aSingleValueGivesStatisticZeroAndPValueOne() {
    FeatureChiSquare t = FeatureChiSquare.of("x", new long[][] {{3, 4, 5}});
    assertEquals(0.0, t.statistic());
    assertEquals(1.0, t.pValue());
    assertEquals(0, t.degreesOfFreedom());
  }

  @Test
  void emptyInputGivesNaNAndAFloatFeatureIsTestedWhenNamed() {
    Pipeline p = TestRunner.DIRECT.create();
    PAssert.thatSingleton(
            p.apply("Empty", Create.empty(SMALL)).apply("Test empty", ChiSquareTest.of("label")))
        .satisfies(
            r -> {
              assertEquals(0, r.rows());
              FeatureChiSquare color = r.feature("color");
              assertTrue(Double.isNaN(color.statistic()));
              assertTrue(Double.isNaN(color.pValue()));
              assertEquals(0, color.degreesOfFreedom());
              assertEquals(1, r.features().size(), "size is a double: not a default feature");
              return null;
            });
    PAssert.thatSingleton(
            p.apply(
                    "Rows",
                    Create.of(small("red", 1.5, "a"), small("red", 1.5, "a"), small("blue", 2, "b"))
                        .withRowSchema(SMALL))
                .apply("Test size", ChiSquareTest.of("label").withFeatureCols("size", "color")))
        .satisfies(
            r -> {
              // Both features split the labels perfectly: table [[2, 0], [0, 1]], statistic 3.
              assertEquals(3.0, r.feature("size").statistic(), 1e-15);
              assertEquals(3.0, r.feature("color").statistic(), 1e-15);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void rejectsANullFeatureNamingColumnAndRow() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(small(null, 1, "a")).withRowSchema(SMALL)).apply(ChiSquareTest.of("label"));
    RuntimeException e = assertThrows(RuntimeException.class, () -> TestRunner.DIRECT.run(p));
    assertThat(
        LinearTestSupport.rootMessage(e),
        containsString("Feature column 'color' has value null in row"));
  }

  @Test
  void rejectsBadColumnsWhenThePipelineIsBuilt() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(SMALL));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> rows.apply("A", ChiSquareTest.of("nope")));
    assertThat(e.getMessage(), containsString("Label column 'nope' not found"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply("B", ChiSquareTest.of("label").withFeatureCols("label")));
    assertThat(e.getMessage(), containsString("is the label column"));
  }

  @Test
  void printsAReport() {
    ChiSquareTestResult r =
        new ChiSquareTestResult(
            "y", 100, List.of(FeatureChiSquare.of("x", new long[][] {{10, 20}, {30, 40}})));
    assertEquals(
        String.join(
            "\n",
            "Chi-square test of independence against 'y', 100 rows",
            "feature  statistic     pValue  df  values",
            "x        0.7936508  0.3729985   1       2",
            ""),
        r.report());
    assertEquals(List.of("x"), r.toRows().stream().map(row -> row.getString("feature")).toList());
  }
}
