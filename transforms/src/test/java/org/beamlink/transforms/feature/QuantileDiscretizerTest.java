package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.ScalerTestSupport.doubles;
import static org.beamlink.transforms.feature.ScalerTestSupport.keep;
import static org.beamlink.transforms.feature.ScalerTestSupport.reference;
import static org.beamlink.transforms.feature.ScalerTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.ApproximateQuantiles.ApproximateQuantilesCombineFn;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.feature.BucketizerMapper;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * QuantileDiscretizer: splits are values whose rank is within {@code relativeError * n} of the
 * target rank {@code q n}. Checked against numpy.quantile (scalers_reference.json section
 * "quantiles", diabetes column f2, 442 values) and on 200000 generated values, where the sketch is
 * really approximate.
 */
class QuantileDiscretizerTest {
  private static final double EPS = 0.001;

  /** The ranks {@code [#(x < s), #(x <= s)]} of {@code s} among the sorted values. */
  private static int[] ranks(double[] sorted, double s) {
    int below = 0;
    while (below < sorted.length && sorted[below] < s) {
      below++;
    }
    int upTo = below;
    while (upTo < sorted.length && sorted[upTo] <= s) {
      upTo++;
    }
    return new int[] {below, upTo};
  }

  /** Asserts that {@code s} could be the {@code q} quantile of {@code sorted} up to the error. */
  private static void assertWithinRankError(double[] sorted, double q, double s, double eps) {
    int n = sorted.length;
    int[] r = ranks(sorted, s);
    double target = q * n;
    double slack = eps * n + 1;
    assertTrue(
        r[0] <= target + slack && r[1] >= target - slack,
        "split " + s + " has ranks " + Arrays.toString(r) + ", target " + target + " +- " + slack);
  }

  @BoundedRunnerTest
  void splitsDiabetesBmiAtNumpysQuartiles(TestRunner runner) {
    List<Row> rows = LinearTestSupport.csv("diabetes.csv", Schema.FieldType.DOUBLE);
    Pipeline p = runner.create();
    PCollection<BucketizerMapper> model =
        p.apply(Create.of(rows).withRowSchema(rows.get(0).getSchema()))
            .apply(
                QuantileDiscretizer.fit()
                    .withInputCols("f2")
                    .withOutputCols("bmiBucket")
                    .withNumBuckets(4));
    keep(model, "qd-bmi-" + runner);
    runner.run(p);
    double[] splits = ScalerTestSupport.<BucketizerMapper>kept("qd-bmi-" + runner).splits().get(0);
    double[] sorted = rows.stream().mapToDouble(r -> r.getDouble("f2")).sorted().toArray();
    JsonNode ref = reference("quantiles");
    double[] numpy = doubles(ref.get("quartiles"));
    assertEquals(5, splits.length, Arrays.toString(splits));
    assertEquals(Double.NEGATIVE_INFINITY, splits[0]);
    assertEquals(Double.POSITIVE_INFINITY, splits[4]);
    for (int k = 1; k <= 3; k++) {
      assertWithinRankError(sorted, k / 4.0, splits[k], EPS);
      // numpy interpolates between neighbours: our data value is at most one gap away.
      int[] r = ranks(sorted, numpy[k - 1]);
      double gap = sorted[Math.min(sorted.length - 1, r[1] + 1)] - sorted[Math.max(0, r[0] - 2)];
      assertEquals(numpy[k - 1], splits[k], gap, "quartile " + k);
    }
  }

  @Test
  void sketchSplitsAreWithinTheRankErrorOnALargeColumn() {
    int n = 200_000;
    double[] values = new double[n];
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < n; i++) {
      values[i] = Math.exp(random.nextGaussian());
    }
    ApproximateQuantilesCombineFn<Double, ?> fn =
        ApproximateQuantilesCombineFn.<Double>create(11).withEpsilon(EPS);
    List<Double> quantiles = quantiles(fn, values);
    double[] splits = QuantileDiscretizer.splits(quantiles);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    assertEquals(11, splits.length);
    for (int k = 1; k <= 9; k++) {
      assertWithinRankError(sorted, k / 10.0, splits[k], EPS);
    }
  }

  /** The quantiles of four partial accumulators, merged, as a runner combines them. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Double> quantiles(
      ApproximateQuantilesCombineFn<Double, ?> fn, double[] values) {
    CombineFn<Double, Object, List<Double>> raw = (CombineFn) fn;
    List<Object> parts = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      Object acc = raw.createAccumulator();
      for (int i = w; i < values.length; i += 4) {
        acc = raw.addInput(acc, values[i]);
      }
      parts.add(acc);
    }
    return raw.extractOutput(raw.mergeAccumulators(parts));
  }

  @Test
  void mergesTiedQuantilesIntoFewerBuckets() {
    assertArrayEquals(
        new double[] {Double.NEGATIVE_INFINITY, 1, 3, Double.POSITIVE_INFINITY},
        QuantileDiscretizer.splits(List.of(0.0, 1.0, 1.0, 1.0, 3.0, 9.0)),
        0.0);
  }

  /** A fitted discretizer buckets a stream; NaN is kept in the extra bucket. */
  @UnboundedRunnerTest
  void bucketsAStreamKeepingNaN(TestRunner runner) {
    Schema schema = Schema.builder().addDoubleField("x").build();
    List<Row> fitRows = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      fitRows.add(Row.withSchema(schema).addValues((double) i).build());
    }
    fitRows.add(Row.withSchema(schema).addValues(Double.NaN).build());
    Pipeline p = runner.create();
    PCollection<BucketizerMapper> model =
        p.apply("Fit rows", Create.of(fitRows).withRowSchema(schema))
            .apply(
                QuantileDiscretizer.fit()
                    .withInputCols("x")
                    .withOutputCols("b")
                    .withHandleInvalid(HandleInvalid.KEEP));
    TestStream<Row> stream =
        TestStream.create(schema)
            .addElements(
                TimestampedValue.of(Row.withSchema(schema).addValues(1.0).build(), new Instant(0)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(
                TimestampedValue.of(
                    Row.withSchema(schema).addValues(Double.NaN).build(), new Instant(6000)),
                TimestampedValue.of(
                    Row.withSchema(schema).addValues(100.0).build(), new Instant(6000)))
            .advanceWatermarkToInfinity();
    PAssert.that(p.apply("Stream", stream).apply(QuantileDiscretizer.transform(model)))
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                double x = r.getDouble("x");
                double expected = Double.isNaN(x) ? 2.0 : x < 4 ? 0.0 : 1.0;
                assertEquals(expected, r.getDouble("b"), "x = " + x);
              }
              assertEquals(3, n);
              return null;
            });
    runner.run(p);
  }

  @Test
  void failsNamingAColumnWithoutValuesAndChecksParameters() {
    assertThrows(IllegalArgumentException.class, () -> QuantileDiscretizer.fit().withNumBuckets(1));
    Schema schema =
        Schema.builder().addDoubleField("a").addNullableField("b", Schema.FieldType.DOUBLE).build();
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.of(Row.withSchema(schema).addValues(1.0, null).build()).withRowSchema(schema))
        .apply(QuantileDiscretizer.fit().withInputCols("a", "b").withOutputCols("a2", "b2"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertEquals(
        "QuantileDiscretizer: column 'b' has no non-missing value to fit on", rootMessage(e));
  }
}
