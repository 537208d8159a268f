package org.beamlink.transforms.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.Provenance;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.online.DecayTimeUnit;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.clustering.KMeans;
import org.beamlink.transforms.clustering.TestData;
import org.beamlink.transforms.pipeline.Kept;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * StreamingKMeans against Spark MLlib's {@code StreamingKMeansModel.update} written out below with
 * plain loops ({@link SparkReference}), fed the same batches. The tolerance 1e-12 (absolute, on
 * centroids and weights of order 1 to 10) allows only for the order of the per-cluster sums, which
 * the pipeline adds in the order the grouping hands the points over.
 */
class StreamingKMeansTest {
  private static final double TOL = 1e-12;
  private static final Duration WINDOW = Duration.standardSeconds(10);
  private static final Schema POINTS =
      Schema.builder()
          .addInt32Field("id")
          .addField("features", VectorLogicalType.FIELD_TYPE)
          .build();
  private static final double[][] TRUE_CENTERS = {{0, 0}, {6, 1}, {2, 7}};
  private static final double[][] START = {{1, 1}, {5, 0}, {1, 5}};

  private static KMeansModel initialModel(double[][] centers) {
    double[] flat = new double[centers.length * centers[0].length];
    for (int j = 0; j < centers.length; j++) {
      System.arraycopy(centers[j], 0, flat, j * centers[j].length, centers[j].length);
    }
    return KMeansModel.of(
        flat,
        centers.length,
        DistanceMeasure.EUCLIDEAN,
        FeatureColumns.ofVector("features"),
        Provenance.of("KMeans", Map.of(), 0, 0, 0, 0));
  }

  /** {@code windows} batches of {@code perWindow} seeded points around the true centers. */
  private static List<List<double[]>> batches(int windows, int perWindow, long seed) {
    Random random = new Random(seed);
    List<List<double[]>> batches = new ArrayList<>();
    for (int w = 0; w < windows; w++) {
      List<double[]> batch = new ArrayList<>();
      for (int i = 0; i < perWindow; i++) {
        double[] c = TRUE_CENTERS[random.nextInt(TRUE_CENTERS.length)];
        batch.add(new double[] {c[0] + random.nextGaussian(), c[1] + random.nextGaussian()});
      }
      batches.add(batch);
    }
    return batches;
  }

  private static Instant timeOf(int window, int i) {
    return new Instant(window * WINDOW.getMillis() + 100L * i);
  }

  private static Row row(int id, double[] p) {
    return Row.withSchema(POINTS).addValues(id, Vector.dense(p)).build();
  }

  /**
   * A stream of the batches, window {@code w} at event times [10 w, 10 w + 10) seconds; window 1's
   * points arrive before window 0's, both before the watermark passes either, to check that the
   * batches are applied in window order and not in arrival order.
   */
  private static TestStream<Row> stream(List<List<double[]>> batches) {
    TestStream.Builder<Row> s = TestStream.create(POINTS);
    int id = 0;
    List<List<TimestampedValue<Row>>> windows = new ArrayList<>();
    for (int w = 0; w < batches.size(); w++) {
      List<TimestampedValue<Row>> rows = new ArrayList<>();
      for (int i = 0; i < batches.get(w).size(); i++) {
        rows.add(TimestampedValue.of(row(id++, batches.get(w).get(i)), timeOf(w, i)));
      }
      windows.add(rows);
    }
    s = addAll(s, windows.get(1));
    s = addAll(s, windows.get(0));
    s = s.advanceWatermarkTo(new Instant(2 * WINDOW.getMillis()));
    for (int w = 2; w < windows.size(); w++) {
      s = addAll(s, windows.get(w)).advanceWatermarkTo(new Instant((w + 1) * WINDOW.getMillis()));
    }
    return s.advanceWatermarkToInfinity();
  }

  @SuppressWarnings("unchecked")
  private static TestStream.Builder<Row> addAll(
      TestStream.Builder<Row> s, List<TimestampedValue<Row>> rows) {
    TimestampedValue<Row>[] values = rows.toArray(new TimestampedValue[0]);
    return s.addElements(values[0], java.util.Arrays.copyOfRange(values, 1, values.length));
  }

  private static PCollection<Row> windowed(Pipeline p, TestStream<Row> stream) {
    return p.apply("Stream", stream).apply(Window.into(FixedWindows.of(WINDOW)));
  }

  private static double[] weightsOf(KMeansModel model) {
    String text = model.provenance().parameters().get("clusterWeights");
    String[] parts = text.substring(1, text.length() - 1).split(", ");
    double[] w = new double[parts.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Double.parseDouble(parts[i]);
    }
    return w;
  }

  /** Each version against the reference after the same batches, and its envelope. */
  private static void assertFollowsReference(
      List<ModelVersion<KMeansModel>> versions,
      List<List<double[]>> batches,
      SparkReference reference,
      double decayFactor,
      boolean perPoint) {
    assertEquals(batches.size(), versions.size(), "one version per window");
    long seen = 0;
    for (int t = 0; t < batches.size(); t++) {
      reference.update(batches.get(t), decayFactor, perPoint);
      seen += batches.get(t).size();
      ModelVersion<KMeansModel> v = versions.get(t);
      assertEquals(t + 1, v.version());
      assertEquals(seen, v.examples());
      assertEquals(timeOf(0, 0), v.firstEventTime());
      assertEquals(timeOf(t, batches.get(t).size() - 1), v.lastEventTime());
      assertEquals("StreamingKMeans", v.source());
      assertArrayEquals(reference.flatCenters(), v.model().centroidValues(), TOL, "batch " + t);
      assertArrayEquals(reference.weights, weightsOf(v.model()), TOL, "weights, batch " + t);
    }
  }

  /** The headline check, on the DirectRunner and on Flink streaming. */
  @UnboundedRunnerTest
  void matchesSparkUpdateOverWindowsWithDecayPerBatch(TestRunner runner) {
    List<List<double[]>> batches = batches(4, 40, 11);
    double[] weights = {10, 5, 0.5};
    Pipeline p = runner.create();
    String key = "batches-" + runner;
    Kept.keep(
        windowed(p, stream(batches))
            .apply(
                StreamingKMeans.train(initialModel(START))
                    .withDecayFactor(0.6)
                    .withInitialWeights(weights)),
        key);
    runner.run(p);
    assertFollowsReference(
        Kept.<KMeansModel>versions(key), batches, new SparkReference(START, weights), 0.6, false);
  }

  /** Bounded timestamped rows, windowed: the same batches in window order, also on Flink batch. */
  @BoundedRunnerTest
  void boundedWindowedRowsAreBatchesInWindowOrder(TestRunner runner) {
    List<List<double[]>> batches = batches(3, 30, 17);
    List<TimestampedValue<Row>> rows = new ArrayList<>();
    for (int w = batches.size() - 1; w >= 0; w--) {
      for (int i = 0; i < batches.get(w).size(); i++) {
        rows.add(TimestampedValue.of(row(1000 * w + i, batches.get(w).get(i)), timeOf(w, i)));
      }
    }
    double[] weights = {4, 4, 4};
    Pipeline p = runner.create();
    String key = "bounded-" + runner;
    Kept.keep(
        p.apply(Create.timestamped(rows).withCoder(SchemaCoder.of(POINTS)))
            .setRowSchema(POINTS)
            .apply(Window.into(FixedWindows.of(WINDOW)))
            .apply(
                StreamingKMeans.train(initialModel(START))
                    .withDecayFactor(0.7)
                    .withInitialWeights(weights)),
        key);
    runner.run(p);
    assertFollowsReference(
        Kept.<KMeansModel>versions(key), batches, new SparkReference(START, weights), 0.7, false);
  }

  @Test
  void matchesSparkUpdateWithHalfLifeInPoints() {
    List<List<double[]>> batches = batches(3, 30, 12);
    double[] weights = {20, 20, 20};
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(
        windowed(p, stream(batches))
            .apply(
                StreamingKMeans.train(initialModel(START))
                    .withHalfLife(25, DecayTimeUnit.POINTS)
                    .withInitialWeights(weights)),
        "points");
    TestRunner.DIRECT.run(p);
    assertFollowsReference(
        Kept.<KMeansModel>versions("points"),
        batches,
        new SparkReference(START, weights),
        Math.exp(Math.log(0.5) / 25),
        true);
  }

  @Test
  void matchesSparkUpdateWithHalfLifeInBatches() {
    List<List<double[]>> batches = batches(3, 25, 13);
    double[] weights = {1, 2, 3};
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(
        windowed(p, stream(batches))
            .apply(
                StreamingKMeans.train(initialModel(START))
                    .withHalfLife(2, DecayTimeUnit.BATCHES)
                    .withInitialWeights(weights)),
        "halfLifeBatches");
    TestRunner.DIRECT.run(p);
    assertFollowsReference(
        Kept.<KMeansModel>versions("halfLifeBatches"),
        batches,
        new SparkReference(START, weights),
        Math.sqrt(0.5),
        false);
  }

  @Test
  void splitsTheLargestClusterWhenOneIsDying() {
    // The third start centroid is far from every point and decay 0 forgets its weight at once:
    // after the first batch its weight is 0, so the largest cluster is split into it.
    double[][] start = {{1, 1}, {5, 0}, {100, 100}};
    List<List<double[]>> batches = batches(3, 30, 14);
    double[] weights = {1, 1, 1};
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(
        windowed(p, stream(batches))
            .apply(
                StreamingKMeans.train(initialModel(start))
                    .withDecayFactor(0.0)
                    .withInitialWeights(weights)),
        "dying");
    TestRunner.DIRECT.run(p);
    SparkReference reference = new SparkReference(start, weights);
    assertFollowsReference(Kept.<KMeansModel>versions("dying"), batches, reference, 0.0, false);
    assertTrue(reference.splits > 0, "the data must make a cluster die");
    double[] first = Kept.<KMeansModel>versions("dying").get(0).model().centroidValues();
    assertTrue(first[4] < 50, "the far centroid was replaced by half of the largest cluster");
  }

  /**
   * With decay 1 a batch is one Lloyd step in which each initial centroid counts as a point of its
   * initial weight: the same as batch KMeans, one iteration from those centroids, on the batch plus
   * the centroids as rows weighted by the initial weights.
   */
  @Test
  void decayOneOverOneBatchIsOneWeightedLloydStep() {
    List<List<double[]>> batches = batches(2, 60, 15);
    List<double[]> batch = batches.get(0);
    double[] weights = {3, 1.5, 2};
    Schema weighted =
        Schema.builder().addDoubleField("x").addDoubleField("y").addDoubleField("w").build();
    List<Row> rows = new ArrayList<>();
    for (double[] x : batch) {
      rows.add(Row.withSchema(weighted).addValues(x[0], x[1], 1.0).build());
    }
    List<Vector> initialCentroids = new ArrayList<>();
    for (int j = 0; j < START.length; j++) {
      rows.add(Row.withSchema(weighted).addValues(START[j][0], START[j][1], weights[j]).build());
      initialCentroids.add(Vector.dense(START[j]));
    }
    Pipeline lloyd = TestRunner.DIRECT.create();
    Kept.keep(
        lloyd
            .apply(Create.of(rows).withRowSchema(weighted))
            .apply(
                KMeans.fit()
                    .withFeatureCols("x", "y")
                    .withWeightCol("w")
                    .withK(3)
                    .withInitialCentroids(initialCentroids)
                    .withMaxIter(1)),
        "lloyd");
    TestRunner.DIRECT.run(lloyd);
    KMeansModel oneStep = Kept.<KMeansModel>get("lloyd").get(0);

    Pipeline p = TestRunner.DIRECT.create();
    TestStream.Builder<Row> s = TestStream.create(POINTS);
    List<TimestampedValue<Row>> values = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      values.add(TimestampedValue.of(row(i, batch.get(i)), timeOf(0, i)));
    }
    Kept.keep(
        windowed(p, addAll(s, values).advanceWatermarkToInfinity())
            .apply(StreamingKMeans.train(initialModel(START)).withInitialWeights(weights)),
        "decayOne");
    TestRunner.DIRECT.run(p);
    List<ModelVersion<KMeansModel>> versions = Kept.<KMeansModel>versions("decayOne");
    assertEquals(1, versions.size());
    assertArrayEquals(oneStep.centroidValues(), versions.get(0).model().centroidValues(), TOL);
  }

  /** The initial model comes from a batch KMeans fit on a prefix, in the same pipeline. */
  @Test
  void trainsFromABatchKMeansFitOnAPrefix() {
    List<Row> iris = TestData.iris();
    List<Row> prefix = new ArrayList<>();
    List<List<double[]>> batches = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<TimestampedValue<Row>>> stream = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < iris.size(); i++) {
      Row r = iris.get(i);
      if (i % 3 == 0) {
        prefix.add(r);
        continue;
      }
      int w = i % 3 - 1;
      batches
          .get(w)
          .add(new double[] {r.getDouble(0), r.getDouble(1), r.getDouble(2), r.getDouble(3)});
      stream.get(w).add(TimestampedValue.of(r, timeOf(w, batches.get(w).size() - 1)));
    }
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<KMeansModel> fitted =
        p.apply("Prefix", Create.of(prefix).withRowSchema(TestData.IRIS))
            .apply(
                KMeans.fit()
                    .withFeatureCols("sepal_length", "sepal_width", "petal_length", "petal_width")
                    .withK(3)
                    .withSeed(3));
    Kept.keep(fitted, "irisFit");
    TestStream.Builder<Row> s = TestStream.create(TestData.IRIS);
    s = addAll(s, stream.get(0)).advanceWatermarkTo(new Instant(WINDOW.getMillis()));
    s = addAll(s, stream.get(1));
    Kept.keep(
        p.apply("Stream", s.advanceWatermarkToInfinity())
            .apply(Window.into(FixedWindows.of(WINDOW)))
            .apply(StreamingKMeans.train(fitted).withDecayFactor(0.8).withInitialWeights(5, 5, 5)),
        "iris");
    TestRunner.DIRECT.run(p);
    KMeansModel initial = Kept.<KMeansModel>get("irisFit").get(0);
    double[][] centers = new double[3][];
    for (int j = 0; j < 3; j++) {
      centers[j] = initial.centroid(j).toArray();
    }
    SparkReference reference = new SparkReference(centers, new double[] {5, 5, 5});
    List<ModelVersion<KMeansModel>> versions = Kept.<KMeansModel>versions("iris");
    assertFollowsReference(versions, batches, reference, 0.8, false);
    assertEquals(initial.features(), versions.get(1).model().features());
  }

  /**
   * A row within the allowed lateness is a late pane of its window: one more batch, applied after
   * the windows already applied. A row later than that is dropped, as Beam drops late data.
   */
  @Test
  void latePaneIsOneMoreBatchAndTooLateRowsAreDropped() {
    List<List<double[]>> batches = batches(2, 20, 16);
    double[] late = {5.5, 0.5};
    double[] tooLate = {100, 100};
    List<TimestampedValue<Row>> w0 = new ArrayList<>();
    List<TimestampedValue<Row>> w1 = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      w0.add(TimestampedValue.of(row(i, batches.get(0).get(i)), timeOf(0, i)));
      w1.add(TimestampedValue.of(row(100 + i, batches.get(1).get(i)), timeOf(1, i)));
    }
    TestStream.Builder<Row> s = TestStream.create(POINTS);
    s = addAll(s, w0).advanceWatermarkTo(new Instant(WINDOW.getMillis()));
    s = addAll(s, w1).advanceWatermarkTo(new Instant(2 * WINDOW.getMillis()));
    s = s.addElements(TimestampedValue.of(row(200, late), timeOf(0, 25)));
    s = s.advanceWatermarkTo(new Instant(5 * WINDOW.getMillis()));
    s = s.addElements(TimestampedValue.of(row(201, tooLate), timeOf(0, 26)));
    Pipeline p = TestRunner.DIRECT.create();
    double[] weights = {2, 2, 2};
    Kept.keep(
        p.apply("Stream", s.advanceWatermarkToInfinity())
            .apply(
                Window.<Row>into(FixedWindows.of(WINDOW))
                    .withAllowedLateness(Duration.standardSeconds(15))
                    .discardingFiredPanes())
            .apply(
                StreamingKMeans.train(initialModel(START))
                    .withDecayFactor(0.5)
                    .withInitialWeights(weights)),
        "late");
    TestRunner.DIRECT.run(p);
    List<ModelVersion<KMeansModel>> versions = Kept.<KMeansModel>versions("late");
    assertEquals(3, versions.size(), "two windows and one late pane; the too-late row dropped");
    SparkReference reference = new SparkReference(START, weights);
    for (List<double[]> batch : List.of(batches.get(0), batches.get(1), List.of(late))) {
      reference.update(batch, 0.5, false);
    }
    assertArrayEquals(reference.flatCenters(), versions.get(2).model().centroidValues(), TOL);
    assertEquals(41, versions.get(2).examples());
  }

  @Test
  void rejectsNaNFeaturesNamingColumnAndRow() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
            Create.of(row(1, new double[] {1, 2}), row(7, new double[] {Double.NaN, 2}))
                .withRowSchema(POINTS))
        .apply(StreamingKMeans.train(initialModel(START)));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    String message = rootMessage(e);
    assertTrue(message.contains("'features'") && message.contains("NaN"), message);
    assertTrue(message.contains("7"), message);
  }

  @Test
  void rejectsVectorsOfTheWrongSizeNamingTheRow() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
            Create.of(row(1, new double[] {1, 2}), row(9, new double[] {1, 2, 3}))
                .withRowSchema(POINTS))
        .apply(StreamingKMeans.train(initialModel(START)));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    String message = rootMessage(e);
    assertTrue(message.contains("size 3") && message.contains("row"), message);
  }

  @Test
  void rejectsMissingOrMismatchedColumnsAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    Schema numbers = Schema.builder().addDoubleField("x").addDoubleField("y").build();
    PCollection<Row> rows = p.apply(Create.empty(numbers));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(StreamingKMeans.train(initialModel(START))));
    assertTrue(missing.getMessage().contains("'features'"), missing.getMessage());
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(StreamingKMeans.train(initialModel(START)).withFeatureCols("x")));
    assertTrue(size.getMessage().contains("size 2"), size.getMessage());
    IllegalArgumentException weights =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                    StreamingKMeans.train(initialModel(START))
                        .withFeatureCols("x", "y")
                        .withInitialWeights(1, 2)));
    assertTrue(weights.getMessage().contains("3 initial weights"), weights.getMessage());
  }

  @Test
  void rejectsCosineModelsAndWindowsThatAreNotBatches() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.empty(POINTS));
    KMeansModel cosine =
        KMeansModel.of(
            new double[] {1, 0, 0, 1},
            2,
            DistanceMeasure.COSINE,
            FeatureColumns.ofVector("features"),
            Provenance.of("KMeans", Map.of(), 0, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> rows.apply(StreamingKMeans.train(cosine)));
    IllegalArgumentException sliding =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rows.apply(
                        "Sliding",
                        Window.into(
                            SlidingWindows.of(Duration.standardSeconds(10))
                                .every(Duration.standardSeconds(5))))
                    .apply(StreamingKMeans.train(initialModel(START))));
    assertTrue(sliding.getMessage().contains("SlidingWindows"), sliding.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            rows.apply(
                    "Accumulating",
                    Window.<Row>into(FixedWindows.of(WINDOW))
                        .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(5)))
                        .accumulatingFiredPanes()
                        .withAllowedLateness(Duration.ZERO))
                .apply(StreamingKMeans.train(initialModel(START))));
    PCollection<Row> unwindowed = p.apply("Unbounded", stream(batches(2, 3, 1)));
    IllegalArgumentException global =
        assertThrows(
            IllegalArgumentException.class,
            () -> unwindowed.apply(StreamingKMeans.train(initialModel(START))));
    assertTrue(global.getMessage().contains("FixedWindows"), global.getMessage());
  }

  @Test
  void rejectsBadParameters() {
    StreamingKMeans.Train train = StreamingKMeans.train(initialModel(START));
    assertThrows(IllegalArgumentException.class, () -> train.withDecayFactor(1.5));
    assertThrows(IllegalArgumentException.class, () -> train.withDecayFactor(Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> train.withHalfLife(0, DecayTimeUnit.BATCHES));
    assertThrows(IllegalArgumentException.class, () -> train.withInitialWeights(1, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> train.withFeatureCols());
    assertThrows(IllegalArgumentException.class, () -> StreamingKMeans.train((KMeansModel) null));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** Spark MLlib's {@code StreamingKMeansModel.update}, with plain loops over plain arrays. */
  private static final class SparkReference {
    final double[][] centers;
    final double[] weights;
    int splits;

    SparkReference(double[][] centers, double[] weights) {
      this.centers = new double[centers.length][];
      for (int j = 0; j < centers.length; j++) {
        this.centers[j] = centers[j].clone();
      }
      this.weights = weights.clone();
    }

    void update(List<double[]> batch, double decayFactor, boolean perPoint) {
      int k = centers.length;
      int dim = centers[0].length;
      double[][] sums = new double[k][dim];
      long[] counts = new long[k];
      for (double[] x : batch) {
        int closest = 0;
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          double d = 0;
          for (int i = 0; i < dim; i++) {
            d += (x[i] - centers[j][i]) * (x[i] - centers[j][i]);
          }
          if (d < best) {
            best = d;
            closest = j;
          }
        }
        counts[closest]++;
        for (int i = 0; i < dim; i++) {
          sums[closest][i] += x[i];
        }
      }
      double discount = perPoint ? Math.pow(decayFactor, batch.size()) : decayFactor;
      for (int j = 0; j < k; j++) {
        weights[j] *= discount;
      }
      for (int j = 0; j < k; j++) {
        if (counts[j] == 0) {
          continue;
        }
        double updatedWeight = weights[j] + counts[j];
        double lambda = counts[j] / Math.max(updatedWeight, 1e-16);
        weights[j] = updatedWeight;
        for (int i = 0; i < dim; i++) {
          centers[j][i] *= 1.0 - lambda;
          centers[j][i] += lambda / counts[j] * sums[j][i];
        }
      }
      int largest = 0;
      int smallest = 0;
      for (int j = 1; j < k; j++) {
        if (weights[j] > weights[largest]) {
          largest = j;
        }
        if (weights[j] < weights[smallest]) {
          smallest = j;
        }
      }
      if (weights[smallest] < 1e-8 * weights[largest]) {
        splits++;
        double weight = (weights[largest] + weights[smallest]) / 2.0;
        weights[largest] = weight;
        weights[smallest] = weight;
        for (int i = 0; i < dim; i++) {
          double x = centers[largest][i];
          double p = 1e-14 * Math.max(Math.abs(x), 1.0);
          centers[largest][i] = x + p;
          centers[smallest][i] = x - p;
        }
      }
    }

    double[] flatCenters() {
      int dim = centers[0].length;
      double[] flat = new double[centers.length * dim];
      for (int j = 0; j < centers.length; j++) {
        System.arraycopy(centers[j], 0, flat, j * dim, dim);
      }
      return flat;
    }
  }
}
