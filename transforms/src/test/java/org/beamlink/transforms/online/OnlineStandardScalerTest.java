package org.beamlink.transforms.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.feature.StandardScalerModel;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.clustering.TestData;
import org.beamlink.transforms.feature.StandardScaler;
import org.beamlink.transforms.pipeline.Kept;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Each version of the running scaler against {@code StandardScaler.fit()} on every row up to the
 * end of its window (a bounded fit on the DirectRunner). Both merge per-coordinate moments with
 * Chan et al.'s formula, in different orders, so they agree to rounding: 1e-12 absolute on means
 * and standard deviations of order 0.1 to 10.
 */
class OnlineStandardScalerTest {
  private static final double TOL = 1e-12;
  private static final Duration WINDOW = Duration.standardMinutes(1);
  private static final Schema SCHEMA =
      Schema.builder()
          .addInt32Field("id")
          .addNullableField("features", VectorLogicalType.FIELD_TYPE)
          .build();

  /**
   * Iris as vectors, some sparse (a zero coordinate left out) and some with a NaN coordinate
   * (missing), so the running statistics go through every path of the batch fit.
   */
  private static List<Row> irisVectors() {
    List<Row> rows = new ArrayList<>();
    List<Row> iris = TestData.iris();
    for (int i = 0; i < iris.size(); i++) {
      double[] v = new double[4];
      for (int j = 0; j < 4; j++) {
        v[j] = iris.get(i).getDouble(j);
      }
      Vector vector;
      if (i % 11 == 0) {
        v[i % 4] = Double.NaN;
        vector = Vector.dense(v);
      } else if (i % 7 == 0) {
        vector = Vector.sparse(4, new int[] {0, 2, 3}, new double[] {v[0], v[2], v[3]});
      } else {
        vector = Vector.dense(v);
      }
      rows.add(Row.withSchema(SCHEMA).addValues(i, vector).build());
    }
    return rows;
  }

  private static Instant timeOf(int i) {
    return new Instant(i * 1000L);
  }

  /** {@code StandardScaler.fit()} with the same parameters on {@code rows}, bounded. */
  private static StandardScalerModel batchFit(List<Row> rows, String key) {
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(
        p.apply(Create.of(rows).withRowSchema(SCHEMA))
            .apply(
                StandardScaler.fit()
                    .withInputCol("features")
                    .withOutputCol("scaled")
                    .withMean(true)),
        key);
    TestRunner.DIRECT.run(p);
    return Kept.<StandardScalerModel>get(key).get(0);
  }

  private static void assertSameModel(StandardScalerModel expected, StandardScalerModel actual) {
    assertArrayEquals(expected.mean(), actual.mean(), TOL, "mean");
    assertArrayEquals(expected.std(), actual.std(), TOL, "std");
    assertEquals(expected.parameters().keySet(), actual.parameters().keySet());
    assertEquals(expected.inputCol(), actual.inputCol());
    assertEquals(expected.outputCol(), actual.outputCol());
    assertEquals(expected.withMean(), actual.withMean());
    assertEquals(expected.withStd(), actual.withStd());
  }

  /**
   * Three one-minute windows of 50 rows each; window 2's rows arrive before window 1's, and the
   * watermark passes both at once, so the merge must follow window order.
   */
  @UnboundedRunnerTest
  void versionsEqualTheBatchFitOnEachPrefix(TestRunner runner) {
    List<Row> rows = irisVectors();
    List<TimestampedValue<Row>> stamped = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      // Row i at 60 * (i / 50) + (i % 50) seconds: 50 rows a window.
      stamped.add(TimestampedValue.of(rows.get(i), timeOf(60 * (i / 50) + i % 50)));
    }
    TestStream<Row> stream =
        TestStream.create(SCHEMA)
            .addElements(stamped.get(0), stamped.subList(1, 50).toArray(new TimestampedValue[0]))
            .advanceWatermarkTo(new Instant(WINDOW.getMillis()))
            .addElements(
                stamped.get(100), stamped.subList(101, 150).toArray(new TimestampedValue[0]))
            .addElements(stamped.get(50), stamped.subList(51, 100).toArray(new TimestampedValue[0]))
            .advanceWatermarkToInfinity();
    Pipeline p = runner.create();
    String key = "prefixes-" + runner;
    Kept.keep(
        p.apply(stream)
            .apply(Window.into(FixedWindows.of(WINDOW)))
            .apply(
                OnlineStandardScaler.fit()
                    .withInputCol("features")
                    .withOutputCol("scaled")
                    .withMean(true)),
        key);
    runner.run(p);
    List<ModelVersion<StandardScalerModel>> versions = Kept.<StandardScalerModel>versions(key);
    assertEquals(3, versions.size(), "one version per window");
    for (int w = 0; w < 3; w++) {
      ModelVersion<StandardScalerModel> v = versions.get(w);
      assertEquals(w + 1, v.version());
      assertEquals(50L * (w + 1), v.examples());
      assertEquals(timeOf(0), v.firstEventTime());
      assertEquals(timeOf(60 * w + 49), v.lastEventTime());
      assertEquals("OnlineStandardScaler", v.source());
      assertSameModel(batchFit(rows.subList(0, 50 * (w + 1)), "batch-" + runner + w), v.model());
    }
  }

  /**
   * A row within the allowed lateness joins the running statistics in a late pane, which makes one
   * more version; a row later than that is dropped, as Beam drops late data.
   */
  @Test
  void lateRowsWithinTheAllowedLatenessMakeOneMoreVersion() {
    List<Row> rows = irisVectors().subList(0, 40);
    List<TimestampedValue<Row>> stamped = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      stamped.add(TimestampedValue.of(rows.get(i), timeOf(i < 20 ? i : 60 + i)));
    }
    Row late = Row.withSchema(SCHEMA).addValues(500, Vector.dense(9, 9, 9, 9)).build();
    Row tooLate = Row.withSchema(SCHEMA).addValues(501, Vector.dense(-50, 0, 0, 0)).build();
    TestStream<Row> stream =
        TestStream.create(SCHEMA)
            .addElements(stamped.get(0), stamped.subList(1, 20).toArray(new TimestampedValue[0]))
            .advanceWatermarkTo(new Instant(WINDOW.getMillis()))
            .addElements(stamped.get(20), stamped.subList(21, 40).toArray(new TimestampedValue[0]))
            .advanceWatermarkTo(new Instant(2 * WINDOW.getMillis()))
            .addElements(TimestampedValue.of(late, timeOf(30)))
            .advanceWatermarkTo(new Instant(5 * WINDOW.getMillis()))
            .addElements(TimestampedValue.of(tooLate, timeOf(31)))
            .advanceWatermarkToInfinity();
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(
        p.apply(stream)
            .apply(
                Window.<Row>into(FixedWindows.of(WINDOW))
                    .withAllowedLateness(Duration.standardMinutes(2))
                    .discardingFiredPanes())
            .apply(
                OnlineStandardScaler.fit()
                    .withInputCol("features")
                    .withOutputCol("scaled")
                    .withMean(true)),
        "late");
    TestRunner.DIRECT.run(p);
    List<ModelVersion<StandardScalerModel>> versions = Kept.<StandardScalerModel>versions("late");
    assertEquals(3, versions.size(), "two windows and one late pane; the too-late row dropped");
    List<Row> all = new ArrayList<>(rows);
    all.add(late);
    assertSameModel(batchFit(all, "late-batch"), versions.get(2).model());
    assertEquals(41, versions.get(2).examples());
  }

  @Test
  void rejectsBadColumnsAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(SCHEMA));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(OnlineStandardScaler.fit().withInputCol("x").withOutputCol("s")));
    assertTrue(missing.getMessage().contains("'x'"), missing.getMessage());
    IllegalArgumentException notVector =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(OnlineStandardScaler.fit().withInputCol("id").withOutputCol("s")));
    assertTrue(notVector.getMessage().contains("'id'"), notVector.getMessage());
    IllegalArgumentException exists =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    OnlineStandardScaler.fit().withInputCol("features").withOutputCol("id")));
    assertTrue(exists.getMessage().contains("'id'"), exists.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> rows.apply(OnlineStandardScaler.fit().withOutputCol("s")));
    assertThrows(IllegalArgumentException.class, () -> OnlineStandardScaler.fit().withInputCol(""));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            rows.apply(
                    Window.into(
                        SlidingWindows.of(Duration.standardMinutes(2))
                            .every(Duration.standardMinutes(1))))
                .apply(OnlineStandardScaler.fit().withInputCol("features").withOutputCol("s")));
  }

  @Test
  void rejectsNullAndInfiniteVectorsNamingTheRow() {
    for (Row bad :
        List.of(
            Row.withSchema(SCHEMA).addValues(77, null).build(),
            Row.withSchema(SCHEMA)
                .addValues(77, Vector.dense(1, Double.POSITIVE_INFINITY, 0, 0))
                .build(),
            Row.withSchema(SCHEMA).addValues(77, Vector.dense(1, 2, 3)).build())) {
      Pipeline p = TestRunner.DIRECT.create();
      List<Row> rows = new ArrayList<>(irisVectors().subList(1, 5));
      rows.add(bad);
      p.apply(Create.of(rows).withRowSchema(SCHEMA))
          .apply(OnlineStandardScaler.fit().withInputCol("features").withOutputCol("s"));
      Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
      String message = messages(e);
      // A size mismatch found when merging partial statistics names the sizes, not a row.
      assertTrue(
          message.contains("'features'")
              && (message.contains("77") || message.matches("(?s).*sizes (4 and 3|3 and 4).*")),
          bad + ": " + message);
    }
  }

  @Test
  void failsWhenACoordinateHasOnlyBeenNaN() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
            Create.of(
                    Row.withSchema(SCHEMA).addValues(1, Vector.dense(1, Double.NaN)).build(),
                    Row.withSchema(SCHEMA).addValues(2, Vector.dense(2, Double.NaN)).build())
                .withRowSchema(SCHEMA))
        .apply(OnlineStandardScaler.fit().withInputCol("features").withOutputCol("s"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertTrue(rootMessage(e).contains("coordinate 1"), rootMessage(e));
  }

  /** Bounded input in the global window is one batch; also on Flink batch. */
  @BoundedRunnerTest
  void boundedInputIsOneBatchEqualToTheBatchFit(TestRunner runner) {
    List<Row> rows = irisVectors();
    Pipeline p = runner.create();
    String key = "bounded-" + runner;
    Kept.keep(
        p.apply(Create.of(rows).withRowSchema(SCHEMA))
            .apply(
                OnlineStandardScaler.fit()
                    .withInputCol("features")
                    .withOutputCol("scaled")
                    .withMean(true)),
        key);
    runner.run(p);
    List<ModelVersion<StandardScalerModel>> versions = Kept.<StandardScalerModel>versions(key);
    assertEquals(1, versions.size());
    assertSameModel(batchFit(rows, key + "-batch"), versions.get(0).model());
    assertTrue(Arrays.stream(versions.get(0).model().std()).allMatch(s -> s > 0));
  }

  /** The messages of {@code e} and its causes, outermost first. */
  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
