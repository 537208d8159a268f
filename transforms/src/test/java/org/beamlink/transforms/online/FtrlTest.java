package org.beamlink.transforms.online;

import static org.beamlink.transforms.linear.LinearTestSupport.keep;
import static org.beamlink.transforms.linear.LinearTestSupport.model;
import static org.beamlink.transforms.linear.LinearTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.online.FtrlExample;
import org.beamlink.models.online.FtrlLearner;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.models.online.FtrlState;
import org.beamlink.models.online.ModelVersion;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.pipeline.Kept;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class FtrlTest {
  private static final int ROWS = 250;
  private static final double ALPHA = 0.2;
  private static final double BETA = 1.0;
  private static final double L1 = 0.05;
  private static final double L2 = 0.1;

  /**
   * Agreement with the sequential implementation below: the same operations in another order of
   * summation (and a sigmoid written differently), so differences are a few ulps of values below
   * 10; 1e-12 leaves three orders of magnitude.
   */
  private static final double EXACT = 1e-12;

  private static final Schema SCHEMA =
      Schema.builder()
          .addDoubleField("x0")
          .addDoubleField("x1")
          .addDoubleField("x2")
          .addDoubleField("x3")
          .addStringField("label")
          .build();

  private static LinearModel initialModel() {
    return LinearModel.of(
        LinearModelType.LOGISTIC,
        4,
        new double[] {0.4, -0.3, 0.0, 0.2},
        new double[] {0.1},
        List.of("no", "yes"),
        TypeName.STRING,
        FeatureColumns.of(List.of("x0", "x1", "x2", "x3")),
        Provenance.of("LogisticRegression", Map.of(), 0, 10, 0.5, 1000));
  }

  private static Ftrl.Train train() {
    return Ftrl.train(initialModel()).withLabelCol("label").withAlpha(ALPHA).withL1(L1);
  }

  /** Row {@code i}: features with zeros, a label from a logistic model, and its event time. */
  private static TimestampedValue<Row> row(int i) {
    SplittableRandom r = new SplittableRandom(0xBF58476D1CE4E5B9L * (i + 1));
    double[] x = new double[4];
    for (int j = 0; j < 4; j++) {
      x[j] = r.nextDouble() < 0.25 ? 0.0 : r.nextDouble(-2, 2);
    }
    double m = 0.3 + x[0] - 0.5 * x[1] + 0.25 * x[2];
    String label = r.nextDouble() < 1 / (1 + Math.exp(-m)) ? "yes" : "no";
    Row row = Row.withSchema(SCHEMA).addValues(x[0], x[1], x[2], x[3], label).build();
    // Event times out of order: a permutation of 0 .. ROWS - 1 seconds.
    return TimestampedValue.of(row, new Instant(1000L * ((i * 37L) % ROWS)));
  }

  private static List<TimestampedValue<Row>> rows() {
    List<TimestampedValue<Row>> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(row(i));
    }
    return rows;
  }

  /**
   * FTRL-Proximal as the paper's Algorithm 1 reads, on dense arrays: the reference for exactness.
   * The intercept is coordinate {@code d}, whose feature is always 1; z starts at the inversion of
   * the initial weights.
   */
  static final class SequentialFtrl {
    final double alpha;
    final double beta;
    final double l1;
    final double l2;
    final int d;
    final double[] z;
    final double[] n;

    SequentialFtrl(double[] w0, double b0, double alpha, double beta, double l1, double l2) {
      this.alpha = alpha;
      this.beta = beta;
      this.l1 = l1;
      this.l2 = l2;
      this.d = w0.length;
      z = new double[d + 1];
      n = new double[d + 1];
      for (int i = 0; i <= d; i++) {
        double w = i < d ? w0[i] : b0;
        z[i] = w == 0 ? 0 : -w * (beta / alpha + l2) - Math.signum(w) * l1;
      }
    }

    double w(int i) {
      if (Math.abs(z[i]) <= l1) {
        return 0;
      }
      return -(z[i] - Math.signum(z[i]) * l1) / ((beta + Math.sqrt(n[i])) / alpha + l2);
    }

    /** Trains on one example; returns p before the update. */
    double train(double[] x, double y) {
      double[] xb = Arrays.copyOf(x, d + 1);
      xb[d] = 1.0;
      double[] w = new double[d + 1];
      double m = 0;
      for (int i = 0; i <= d; i++) {
        if (xb[i] != 0) {
          w[i] = w(i);
          m += w[i] * xb[i];
        }
      }
      double p = 1 / (1 + Math.exp(-m));
      for (int i = 0; i <= d; i++) {
        if (xb[i] != 0) {
          double g = (p - y) * xb[i];
          double sigma = (Math.sqrt(n[i] + g * g) - Math.sqrt(n[i])) / alpha;
          z[i] += g - sigma * w[i];
          n[i] += g * g;
        }
      }
      return p;
    }

    double[] weights() {
      double[] out = new double[d];
      for (int i = 0; i < d; i++) {
        out[i] = w(i);
      }
      return out;
    }
  }

  private static double[] features(Row row) {
    return new double[] {
      row.getDouble("x0"), row.getDouble("x1"), row.getDouble("x2"), row.getDouble("x3")
    };
  }

  private static double label(Row row) {
    return row.getString("label").equals("yes") ? 1.0 : 0.0;
  }

  /** The reference's weights and intercept after each prefix in {@code prefixes}. */
  private static List<double[]> referenceSnapshots(
      LinearModel initial, List<TimestampedValue<Row>> rows, int... prefixes) {
    SequentialFtrl ref =
        new SequentialFtrl(initial.coefficients(), initial.intercepts()[0], ALPHA, BETA, L1, L2);
    List<double[]> snapshots = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < rows.size(); i++) {
      ref.train(features(rows.get(i).getValue()), label(rows.get(i).getValue()));
      if (next < prefixes.length && i + 1 == prefixes[next]) {
        double[] snapshot = Arrays.copyOf(ref.weights(), ref.d + 1);
        snapshot[ref.d] = ref.w(ref.d);
        snapshots.add(snapshot);
        next++;
      }
    }
    return snapshots;
  }

  private static void assertMatches(double[] expected, LinearModel m, double tolerance) {
    int d = m.numFeatures();
    assertArrayEquals(Arrays.copyOf(expected, d), m.coefficients(), tolerance, m.toString());
    assertEquals(expected[d], m.intercepts()[0], tolerance, "intercept");
  }

  /**
   * The versions of training on {@link #rows()} with a version every 100 examples: 0 (initial), 1
   * after 100, 2 after 200 and 3 at the end (250), each equal to the sequential reference after as
   * many examples, with the right counts and event-time ranges.
   */
  private static void assertVersionsOfTheRows(List<ModelVersion<LinearModel>> versions) {
    List<TimestampedValue<Row>> rows = rows();
    List<double[]> ref = referenceSnapshots(initialModel(), rows, 100, 200, ROWS);
    assertEquals(4, versions.size(), versions.toString());
    ModelVersion<LinearModel> initial = versions.get(0);
    assertEquals(0, initial.version());
    assertEquals("initial", initial.source());
    assertEquals(0, initial.examples());
    assertEquals(BoundedWindow.TIMESTAMP_MIN_VALUE, initial.firstEventTime());
    assertArrayEquals(initialModel().coefficients(), initial.model().coefficients(), 1e-15);
    long[] examples = {100, 200, ROWS};
    for (int v = 1; v <= 3; v++) {
      ModelVersion<LinearModel> version = versions.get(v);
      assertEquals(v, version.version());
      assertEquals("FTRL", version.source());
      assertEquals(examples[v - 1], version.examples());
      assertMatches(ref.get(v - 1), version.model(), EXACT);
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (int i = 0; i < examples[v - 1]; i++) {
        first = Math.min(first, rows.get(i).getTimestamp().getMillis());
        last = Math.max(last, rows.get(i).getTimestamp().getMillis());
      }
      assertEquals(new Instant(first), version.firstEventTime());
      assertEquals(new Instant(last), version.lastEventTime());
      LinearModel m = version.model();
      assertEquals(LinearModelType.LOGISTIC, m.type());
      assertEquals(List.of("no", "yes"), m.labelValues());
      assertEquals(initialModel().features(), m.features());
      assertEquals("FTRL", m.provenance().trainer());
      assertEquals(v, m.provenance().iterations());
      assertEquals(examples[v - 1], m.provenance().rows());
      assertEquals(Double.toString(ALPHA), m.provenance().parameters().get("alpha"));
    }
  }

  /**
   * Exactness on a stream: mini-batches of 1 at parallelism 1 (TestStream; Flink in streaming mode)
   * reproduce the sequential implementation to 1e-12 in every version.
   */
  @UnboundedRunnerTest
  void aStreamReproducesSequentialFtrl(TestRunner runner) {
    Pipeline p = runner.create("--parallelism=1");
    TestStream<Row> stream =
        TestStream.create(SCHEMA).addElements(row(0), rest()).advanceWatermarkToInfinity();
    String key = "stream-" + runner;
    Kept.keep(p.apply(stream).apply(train().withEmitEvery(100)), key);
    runner.run(p);
    assertVersionsOfTheRows(Kept.<LinearModel>versions(key));
  }

  @SuppressWarnings("unchecked")
  private static TimestampedValue<Row>[] rest() {
    return rows().subList(1, ROWS).toArray(new TimestampedValue[0]);
  }

  /**
   * Exactness on bounded input (DirectRunner and FlinkRunner batch, one worker): the final version,
   * emitted when the input ends, is the reference after all rows. The rows come from one element
   * expanded in order: the DirectRunner splits a {@code Create} of many elements into bundles it
   * processes in no fixed order, and the reference needs the order.
   */
  @BoundedRunnerTest
  void boundedInputEndsWithAFinalVersion(TestRunner runner) {
    Pipeline p = runner.create("--parallelism=1");
    String key = "bounded-" + runner;
    Kept.keep(
        p.apply(Create.of(ROWS))
            .apply("Rows in order", ParDo.of(new RowsFn()))
            .setRowSchema(SCHEMA)
            .apply(train().withEmitEvery(100)),
        key);
    runner.run(p);
    assertVersionsOfTheRows(Kept.<LinearModel>versions(key));
  }

  /** Emits rows 0 .. n - 1 in order, with their event times. */
  private static final class RowsFn extends DoFn<Integer, Row> {
    @ProcessElement
    public void process(@Element Integer n, OutputReceiver<Row> out) {
      for (int i = 0; i < n; i++) {
        TimestampedValue<Row> r = row(i);
        out.outputWithTimestamp(r.getValue(), r.getTimestamp());
      }
    }
  }

  /** Without examples there is only version 0: the initial model. */
  @Test
  void noExamplesGiveTheInitialModelOnly() {
    Pipeline p = TestRunner.DIRECT.create();
    Kept.keep(p.apply(Create.empty(SCHEMA)).apply(train()), "empty");
    TestRunner.DIRECT.run(p);
    List<ModelVersion<LinearModel>> versions = Kept.<LinearModel>versions("empty");
    assertEquals(1, versions.size());
    LinearModel m = versions.get(0).model();
    assertArrayEquals(initialModel().coefficients(), m.coefficients(), 1e-15);
    assertArrayEquals(initialModel().intercepts(), m.intercepts(), 1e-15);
    assertEquals(0, m.provenance().rows());
  }

  /**
   * An initial model from a batch fit (a PCollection, as LogisticRegression.fit() gives): version 0
   * is the fitted model and training continues from it as the reference does.
   */
  @Test
  void continuesFromAModelFittedInThePipeline() {
    Pipeline p = TestRunner.DIRECT.create();
    List<Row> prefix = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      prefix.add(row(1000 + i).getValue());
    }
    PCollection<LinearModel> fitted =
        p.apply("Prefix", Create.of(prefix).withRowSchema(SCHEMA))
            .apply(
                LogisticRegression.fit()
                    .withLabelCol("label")
                    .withFeatureCols("x0", "x1", "x2", "x3")
                    .withL2(0.01));
    keep(fitted, "ftrl-initial");
    TestStream<Row> stream =
        TestStream.create(SCHEMA).addElements(row(0), rest()).advanceWatermarkToInfinity();
    Kept.keep(
        p.apply("Stream", stream)
            .apply(Ftrl.train(fitted).withLabelCol("label").withAlpha(ALPHA).withL1(L1)),
        "fitted");
    TestRunner.DIRECT.run(p);
    LinearModel initial = model("ftrl-initial");
    List<ModelVersion<LinearModel>> versions = Kept.<LinearModel>versions("fitted");
    assertEquals(2, versions.size(), "version 0 and the final one");
    assertArrayEquals(initial.coefficients(), versions.get(0).model().coefficients(), 0.0);
    assertArrayEquals(initial.intercepts(), versions.get(0).model().intercepts(), 0.0);
    assertMatches(referenceSnapshots(initial, rows(), ROWS).get(0), versions.get(1).model(), EXACT);
    assertEquals(
        "LogisticRegression",
        versions.get(1).model().provenance().parameters().get("initialModel"));
  }

  /**
   * Mini-batches of 8 on 2 threads in the pipeline give the model the core gives for the same
   * batches (consecutive rows in arrival order), to rounding.
   */
  @Test
  void pipelineAndCoreAgreeForTheSameBatches() throws Exception {
    Pipeline p = TestRunner.DIRECT.create();
    TestStream<Row> stream =
        TestStream.create(SCHEMA).addElements(row(0), rest()).advanceWatermarkToInfinity();
    Kept.keep(
        p.apply(stream).apply(train().withMiniBatchSize(8).withThreads(2).withEmitEvery(1000)),
        "batches");
    TestRunner.DIRECT.run(p);
    FtrlLearner learner =
        FtrlLearner.of(
            initialModel(),
            FtrlParams.defaults().withAlpha(ALPHA).withL1(L1).withMiniBatchSize(8).withThreads(2));
    FtrlState state = learner.newState();
    List<TimestampedValue<Row>> rows = rows();
    for (int from = 0; from < ROWS; from += 8) {
      List<FtrlExample> batch = new ArrayList<>();
      for (int i = from; i < Math.min(ROWS, from + 8); i++) {
        Row r = rows.get(i).getValue();
        batch.add(
            FtrlExample.of(
                Vector.dense(features(r)), label(r), rows.get(i).getTimestamp().getMillis()));
      }
      learner.trainBatch(state, batch, null);
    }
    List<ModelVersion<LinearModel>> versions = Kept.<LinearModel>versions("batches");
    assertEquals(2, versions.size());
    LinearModel core = learner.model(state);
    LinearModel pipeline = versions.get(1).model();
    assertArrayEquals(core.coefficients(), pipeline.coefficients(), 1e-15);
    assertArrayEquals(core.intercepts(), pipeline.intercepts(), 1e-15);
    assertEquals(ROWS, versions.get(1).examples());
    assertEquals(32, state.updates());
  }

  /**
   * Versions on processing time (DirectRunner; TestStream advances its clock): a version 10 s after
   * the first example since the last one, after training on the partial mini-batch, and a final one
   * at the end.
   */
  @Test
  void emitsOnProcessingTime() {
    Pipeline p = TestRunner.DIRECT.create();
    List<TimestampedValue<Row>> rows = rows();
    TestStream<Row> stream =
        TestStream.create(SCHEMA)
            .addElements(rows.get(0), rows.subList(1, 5).toArray(new TimestampedValue[0]))
            .advanceProcessingTime(Duration.standardSeconds(11))
            .addElements(rows.get(5), rows.subList(6, 8).toArray(new TimestampedValue[0]))
            .advanceProcessingTime(Duration.standardSeconds(11))
            .addElements(rows.get(8), rows.get(9))
            .advanceWatermarkToInfinity();
    Kept.keep(
        p.apply(stream)
            .apply(
                train().withMiniBatchSize(4).withEmitEveryDuration(Duration.standardSeconds(10))),
        "processing");
    TestRunner.DIRECT.run(p);
    List<ModelVersion<LinearModel>> versions = Kept.<LinearModel>versions("processing");
    assertEquals(List.of(0L, 5L, 8L, 10L), versions.stream().map(ModelVersion::examples).toList());
    assertEquals(List.of(0L, 1L, 2L, 3L), versions.stream().map(ModelVersion::version).toList());
  }

  /**
   * 2^24 hashed dimensions: a few thousand sparse examples train without dense work per example;
   * only the two versions (initial and final) are dense. The result equals the core's.
   */
  @Test
  void trainsOnTwoToThe24HashedDimensions() {
    int dims = 1 << 24;
    Schema schema =
        Schema.builder()
            .addField("features", VectorLogicalType.FIELD_TYPE)
            .addInt32Field("click")
            .build();
    LinearModel zero =
        LinearModel.of(
            LinearModelType.LOGISTIC,
            dims,
            new double[dims],
            new double[] {0.0},
            List.of("0", "1"),
            TypeName.INT32,
            FeatureColumns.ofVector("features"),
            Provenance.of("zero", Map.of(), 0, 0, 0, 0));
    List<TimestampedValue<Row>> rows = new ArrayList<>();
    FtrlLearner learner = FtrlLearner.of(zero, FtrlParams.defaults());
    FtrlState state = learner.newState();
    SplittableRandom r = new SplittableRandom(24);
    for (int i = 0; i < 3000; i++) {
      int[] idx = r.ints(10, 0, dims).distinct().sorted().toArray();
      double[] ones = new double[idx.length];
      Arrays.fill(ones, 1.0);
      Vector x = Vector.sparse(dims, idx, ones);
      int click = (idx[0] % 3 == 0) ? 1 : r.nextInt(2);
      rows.add(
          TimestampedValue.of(Row.withSchema(schema).addValues(x, click).build(), new Instant(i)));
      learner.train(state, FtrlExample.of(x, click, i));
    }
    Pipeline p = TestRunner.DIRECT.create();
    @SuppressWarnings("unchecked")
    TestStream<Row> stream =
        TestStream.create(schema)
            .addElements(rows.get(0), rows.subList(1, rows.size()).toArray(new TimestampedValue[0]))
            .advanceWatermarkToInfinity();
    Kept.keep(
        p.apply(stream).apply(Ftrl.train(zero).withLabelCol("click").withEmitEvery(1_000_000)),
        "hashed");
    long start = System.nanoTime();
    TestRunner.DIRECT.run(p);
    double seconds = (System.nanoTime() - start) / 1e9;
    List<ModelVersion<LinearModel>> versions = Kept.<LinearModel>versions("hashed");
    assertEquals(2, versions.size());
    assertEquals(3000, versions.get(1).examples());
    assertTrue(state.touchedCoordinates() <= 30_001, state.toString());
    LinearModel core = learner.model(state);
    assertArrayEquals(core.coefficients(), versions.get(1).model().coefficients(), EXACT);
    assertArrayEquals(core.intercepts(), versions.get(1).model().intercepts(), EXACT);
    // Dense work per example (2^24 per row) would take minutes; the two dense versions take
    // about a second.
    assertTrue(seconds < 60, "took " + seconds + " s");
  }

  @Test
  void rejectsALabelThatIsNotTheModels() {
    Row bad = Row.withSchema(SCHEMA).addValues(1.0, 2.0, 3.0, 4.0, "maybe").build();
    String message = failureOf(Create.of(bad).withRowSchema(SCHEMA));
    assertTrue(message.contains("'label' has value maybe"), message);
    assertTrue(message.contains("initial model's labels [no, yes]"), message);
  }

  @Test
  void rejectsANaNFeature() {
    Row bad = Row.withSchema(SCHEMA).addValues(1.0, Double.NaN, 3.0, 4.0, "yes").build();
    String message = failureOf(Create.of(bad).withRowSchema(SCHEMA));
    assertTrue(message.contains("'x1' has value NaN"), message);
  }

  private static String failureOf(Create.Values<Row> rows) {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(rows).apply(train());
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    return rootMessage(e);
  }

  @Test
  void rejectsAVectorOfTheWrongSize() {
    Schema schema =
        Schema.builder()
            .addField("v", VectorLogicalType.FIELD_TYPE)
            .addStringField("label")
            .build();
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(
            Create.of(Row.withSchema(schema).addValues(Vector.dense(1, 2, 3), "no").build())
                .withRowSchema(schema))
        .apply(train().withVectorCol("v"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertTrue(rootMessage(e).contains("have size 3 but 4 was expected"), rootMessage(e));
  }

  @Test
  void rejectsMissingColumnsAndBadSettingsAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    Schema threeFeatures =
        Schema.builder()
            .addDoubleField("x0")
            .addDoubleField("x1")
            .addDoubleField("x2")
            .addStringField("label")
            .build();
    PCollection<Row> rows = p.apply(Create.empty(threeFeatures));
    IllegalArgumentException feature =
        assertThrows(IllegalArgumentException.class, () -> rows.apply(train()));
    assertTrue(feature.getMessage().contains("'x3' not found"), feature.getMessage());
    IllegalArgumentException label =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(train().withLabelCol("y").withFeatureCols("x0", "x1", "x2")));
    assertTrue(label.getMessage().contains("'y' not found"), label.getMessage());
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(train().withFeatureCols("x0", "x1", "x2")));
    assertTrue(size.getMessage().contains("initial model has 4 features"), size.getMessage());
    PCollection<Row> fourFeatures = p.apply("Four", Create.empty(SCHEMA));
    IllegalArgumentException threads =
        assertThrows(
            IllegalArgumentException.class, () -> fourFeatures.apply(train().withThreads(2)));
    assertTrue(threads.getMessage().contains("threads <= miniBatchSize"), threads.getMessage());
    assertThrows(IllegalArgumentException.class, () -> train().withMiniBatchSize(0));
    assertThrows(IllegalArgumentException.class, () -> train().withEmitEvery(0));
    assertThrows(
        IllegalArgumentException.class, () -> train().withEmitEveryDuration(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> train().withAlpha(-1));
    IllegalArgumentException noLabel =
        assertThrows(
            IllegalArgumentException.class, () -> fourFeatures.apply(Ftrl.train(initialModel())));
    assertTrue(noLabel.getMessage().contains("withLabelCol"), noLabel.getMessage());
  }

  /**
   * With a failure output, bad rows go there with the reason and are counted; training goes on with
   * the others.
   */
  @Test
  void keepsBadRowsInAFailureOutput() {
    Pipeline p = TestRunner.DIRECT.create();
    List<Row> input = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      input.add(row(i).getValue());
    }
    input.add(Row.withSchema(SCHEMA).addValues(1.0, 2.0, 3.0, 4.0, "maybe").build());
    input.add(Row.withSchema(SCHEMA).addValues(1.0, Double.NaN, 3.0, 4.0, "no").build());
    WithFailures.Result<PCollection<ModelVersion<LinearModel>>, Row> result =
        p.apply(Create.of(input).withRowSchema(SCHEMA)).apply(train().withFailures());
    Kept.keep(result.output(), "failures");
    PAssert.that(result.failures())
        .satisfies(
            failures -> {
              List<String> errors = new ArrayList<>();
              failures.forEach(f -> errors.add(f.getString("error")));
              assertEquals(2, errors.size(), errors.toString());
              assertTrue(
                  errors.stream().anyMatch(e -> e.contains("value maybe")), errors.toString());
              assertTrue(errors.stream().anyMatch(e -> e.contains("'x1' has value NaN")));
              return null;
            });
    PipelineResult run = TestRunner.DIRECT.run(p);
    List<ModelVersion<LinearModel>> versions = Kept.<LinearModel>versions("failures");
    assertEquals(20, versions.get(versions.size() - 1).examples());
    MetricQueryResults metrics =
        run.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(Ftrl.class, "rowsRejected"))
                    .build());
    long rejected = 0;
    for (MetricResult<Long> c : metrics.getCounters()) {
      rejected += c.getAttempted();
    }
    assertEquals(2, rejected);
  }
}
