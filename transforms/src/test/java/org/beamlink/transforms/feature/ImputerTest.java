package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.ScalerTestSupport.assertRoundTrips;
import static org.beamlink.transforms.feature.ScalerTestSupport.doubles;
import static org.beamlink.transforms.feature.ScalerTestSupport.irisBlanked;
import static org.beamlink.transforms.feature.ScalerTestSupport.keep;
import static org.beamlink.transforms.feature.ScalerTestSupport.kept;
import static org.beamlink.transforms.feature.ScalerTestSupport.reference;
import static org.beamlink.transforms.feature.ScalerTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.ImputerModel;
import org.beamlink.models.feature.ImputerModel.Strategy;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * Imputer against scalers_reference.json section "imputer": scikit-learn {@code SimpleImputer} on
 * Iris with value (i, j) blanked when (7 i + 13 j) % 10 == 0 (NaN there, null here). Mean to 1e-12
 * (a sum of 135 values); most frequent and constant exactly. The median is approximate (Beam's
 * {@code ApproximateQuantiles}, rank error at most 0.001 n, which for 135 values is below one rank
 * and the sketch is exact at this size): it must be one of the two middle order statistics, while
 * scikit-learn averages them.
 */
class ImputerTest {
  private static final String[] COLS = {
    "sepal_length", "sepal_width", "petal_length", "petal_width"
  };
  private static final String[] OUTS = {"sl", "sw", "pl", "pw"};

  private static PCollection<Row> blanked(Pipeline p) {
    List<Row> rows = irisBlanked();
    return p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()));
  }

  @BoundedRunnerTest
  void fitsTheMeanLikeSklearn(TestRunner runner) {
    Pipeline p = runner.create();
    keep(
        blanked(p).apply(Imputer.fit().withInputCols(COLS).withOutputCols(OUTS)),
        "imputer-mean-" + runner);
    runner.run(p);
    ImputerModel m = kept("imputer-mean-" + runner);
    assertArrayEquals(doubles(reference("imputer").get("mean")), m.surrogates(), 1e-12);
    assertEquals(Strategy.MEAN, m.strategy());
  }

  @Test
  void fitsMedianMostFrequentAndConstantLikeSklearn() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = blanked(p);
    Imputer.Fit fit = Imputer.fit().withInputCols(COLS).withOutputCols(OUTS);
    keep(rows.apply("Median", fit.withStrategy(Strategy.MEDIAN)), "imputer-median");
    keep(rows.apply("Mode", fit.withStrategy(Strategy.MOST_FREQUENT)), "imputer-mode");
    keep(
        rows.apply("Constant", fit.withStrategy(Strategy.CONSTANT).withFillValue(-1)),
        "imputer-constant");
    TestRunner.DIRECT.run(p);
    JsonNode ref = reference("imputer");
    double[] median = ScalerTestSupport.<ImputerModel>kept("imputer-median").surrogates();
    double[] low = doubles(ref.get("median_low"));
    double[] high = doubles(ref.get("median_high"));
    double[] sklearn = doubles(ref.get("median"));
    for (int j = 0; j < 4; j++) {
      assertTrue(
          median[j] == low[j] || median[j] == high[j],
          COLS[j] + ": " + median[j] + " is not a middle value " + low[j] + "/" + high[j]);
      assertEquals(sklearn[j], median[j], (high[j] - low[j]) / 2);
    }
    assertArrayEquals(
        doubles(ref.get("most_frequent")),
        ScalerTestSupport.<ImputerModel>kept("imputer-mode").surrogates(),
        0.0);
    assertArrayEquals(
        doubles(ref.get("constant")),
        ScalerTestSupport.<ImputerModel>kept("imputer-constant").surrogates(),
        0.0);
  }

  @Test
  void medianIsWithinTheRankErrorOnALargeColumn() {
    // 20001 values with many ties: the true median is the 10001st smallest.
    Schema schema = Schema.builder().addInt64Field("x").build();
    List<Row> rows = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    for (long i = 0; i < 20001; i++) {
      long v = (i * 7919) % 5003;
      values.add(v);
      rows.add(Row.withSchema(schema).addValues(v).build());
    }
    Collections.sort(values);
    Pipeline p = TestRunner.DIRECT.create();
    keep(
        p.apply(Create.of(rows).withRowSchema(schema))
            .apply(
                Imputer.fit()
                    .withInputCols("x")
                    .withOutputCols("y")
                    .withStrategy(Strategy.MEDIAN)
                    .withRelativeError(0.01)),
        "imputer-large-median");
    TestRunner.DIRECT.run(p);
    double median = ScalerTestSupport.<ImputerModel>kept("imputer-large-median").surrogates()[0];
    int slack = (int) Math.ceil(0.01 * values.size());
    assertTrue(median >= values.get(10000 - slack) && median <= values.get(10000 + slack));
  }

  @Test
  void fillsNullNaNAndTheMissingValueIntoDoubleColumns() {
    Schema schema =
        Schema.builder()
            .addNullableField("a", Schema.FieldType.INT32)
            .addNullableField("b", Schema.FieldType.DOUBLE)
            .build();
    Transformer.Bound bound =
        ImputerModel.of(
                List.of("a", "b"), List.of("a2", "b2"), Strategy.MEAN, -1, new double[] {5, 7})
            .bind(schema);
    Row filled = bound.apply(Row.withSchema(schema).addValues(null, Double.NaN).build());
    assertEquals(5.0, filled.getDouble("a2"));
    assertEquals(7.0, filled.getDouble("b2"));
    Row missingValue = bound.apply(Row.withSchema(schema).addValues(-1, 2.5).build());
    assertEquals(5.0, missingValue.getDouble("a2"));
    assertEquals(2.5, missingValue.getDouble("b2"));
    assertEquals(Schema.FieldType.DOUBLE, bound.outputSchema().getField("a2").getType());
  }

  @Test
  void failsNamingAColumnWithoutValues() {
    Schema schema =
        Schema.builder()
            .addNullableField("a", Schema.FieldType.DOUBLE)
            .addNullableField("b", Schema.FieldType.DOUBLE)
            .build();
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
            Create.of(
                    Row.withSchema(schema).addValues(1.0, null).build(),
                    Row.withSchema(schema).addValues(2.0, Double.NaN).build())
                .withRowSchema(schema))
        .apply(Imputer.fit().withInputCols("a", "b").withOutputCols("a2", "b2"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertEquals("Imputer: column 'b' has no non-missing value to fit on", rootMessage(e));

    Pipeline empty = TestRunner.DIRECT.create();
    empty
        .apply(Create.empty(schema))
        .apply(
            Imputer.fit()
                .withInputCols("a")
                .withOutputCols("a2")
                .withStrategy(Strategy.MOST_FREQUENT));
    Exception none = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(empty));
    assertTrue(rootMessage(none).contains("no non-missing value"), rootMessage(none));
  }

  @Test
  void checksColumnsAtConstructionAndCodesModels() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = blanked(p);
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(Imputer.fit().withInputCols("nope").withOutputCols("x")));
    assertTrue(missing.getMessage().contains("'nope' not found"), missing.getMessage());
    IllegalArgumentException text =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(Imputer.fit().withInputCols("species").withOutputCols("x")));
    assertTrue(text.getMessage().contains("expected a numeric column"), text.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> rows.apply(Imputer.fit().withInputCols("sepal_length").withOutputCols("a", "b")));
    assertThrows(IllegalArgumentException.class, () -> Imputer.fit().withRelativeError(0));
    assertRoundTrips(
        ImputerModel.Coder.of(),
        ImputerModel.of(
            List.of("a", "b"),
            List.of("c", "d"),
            Strategy.MEDIAN,
            Double.NaN,
            new double[] {1.5, -2}));
  }
}
