package org.beamlink.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.LocalPredictor;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.feature.FeatureHasher;
import org.beamlink.transforms.feature.StandardScaler;
import org.beamlink.transforms.pipeline.MapRows;
import org.beamlink.transforms.pipeline.MlPipeline;

/**
 * {@code beamlink bench predict}: the serving pipeline, FeatureHasher (the {@code dims}
 * numeric columns hashed into 2^18 features) then StandardScaler then LogisticRegression, fitted on
 * embedded Flink and then scored three ways, one JSON line each: single-threaded in a {@link
 * LocalPredictor}, cycling over 1,000 distinct rows (about 1 MB, in the CPU cache, as a request
 * just parsed is) and over 100,000 (80 MB of boxed values, so every row comes from memory), after a
 * warm-up pass; in a Flink pipeline that generates and scores rows ({@link MapRows}, the model
 * fixed when the pipeline is built), and the same Flink pipeline without the scoring step, which
 * gives the engine's cost of generating and counting the rows.
 *
 * <p>Rows: {@code x0 .. x{dims-1}} uniform in [-1, 1) and a DOUBLE label drawn from a logistic
 * model with weights {@code ((j % 7) - 3) / 4}, each a function of the seed and the row index.
 *
 * <pre>{@code
 * bin/beamlink bench predict
 * bin/beamlink bench predict --local-rows 5000000 --pipeline-rows 2000000
 * }</pre>
 */
public final class PredictBenchmark {
  private PredictBenchmark() {}

  /** One configuration. */
  public record Config(
      int dims, long trainRows, long localRows, long pipelineRows, int numFeatures, long seed) {}

  /** The configuration: 50 dense features. */
  public static final Config STANDARD = new Config(50, 100_000, 5_000_000, 2_000_000, 1 << 18, 7);

  /** Runs {@code config}; returns its JSON lines. */
  public static List<String> run(Config config, String... beamArgs) {
    Columns data = new Columns(config.dims(), config.seed());
    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    String runner = options.getRunner().getSimpleName();
    long start = System.nanoTime();
    PipelineModel model = fit(data, config, options);
    double fitSeconds = (System.nanoTime() - start) / 1e9;
    List<String> lines = new ArrayList<>();
    lines.add(local(data, model, config, 1_000, fitSeconds, runner));
    lines.add(local(data, model, config, 100_000, fitSeconds, runner));
    double generateOnly = pipeline(data, null, config, beamArgs);
    double scoring = pipeline(data, model, config, beamArgs);
    lines.add(
        String.format(
            Locale.ROOT,
            "{\"benchmark\":\"predict\",\"mode\":\"pipeline\",\"runner\":\"%s\",\"dims\":%d,"
                + "\"rows\":%d,\"seconds\":%.3f,\"rowsPerSecond\":%.0f,"
                + "\"secondsWithoutScoring\":%.3f,\"scoringRowsPerSecondOfDifference\":%.0f}",
            runner,
            config.dims(),
            config.pipelineRows(),
            scoring,
            config.pipelineRows() / scoring,
            generateOnly,
            config.pipelineRows() / Math.max(scoring - generateOnly, 1e-9)));
    return lines;
  }

  private static PipelineModel fit(Columns data, Config config, PipelineOptions options) {
    Pipeline p = Pipeline.create(options);
    String[] columns = data.featureNames();
    MlPipeline pipeline =
        MlPipeline.of(
            FeatureHasher.of(columns).withOutputCol("hashed").withNumFeatures(config.numFeatures()),
            StandardScaler.fit().withInputCol("hashed").withOutputCol("scaled"),
            LogisticRegression.fit().withVectorCol("scaled").withLabelCol("label").withL2(1e-4));
    p.apply("Generate", GenerateSequence.from(0).to(config.trainRows()))
        .apply("Rows", MapElements.via(new RowFn(data)))
        .setRowSchema(data.schema)
        .apply("Fit", pipeline.fit())
        .apply("Keep", ParDo.of(new KeepFn()));
    p.run().waitUntilFinish();
    return KeepFn.last;
  }

  private static String local(
      Columns data,
      PipelineModel model,
      Config config,
      int pool,
      double fitSeconds,
      String runner) {
    LocalPredictor predictor = LocalPredictor.of(model, data.schema);
    Row[] rows = new Row[pool];
    for (int i = 0; i < pool; i++) {
      rows[i] = data.row(i);
    }
    double sink = 0;
    for (Row r : rows) {
      sink += probability(predictor.predict(r));
    }
    long start = System.nanoTime();
    for (long n = 0; n < config.localRows(); n++) {
      sink += probability(predictor.predict(rows[(int) (n % pool)]));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return String.format(
        Locale.ROOT,
        "{\"benchmark\":\"predict\",\"mode\":\"local\",\"threads\":1,\"dims\":%d,\"rows\":%d,"
            + "\"distinctRows\":%d,"
            + "\"seconds\":%.3f,\"rowsPerSecond\":%.0f,\"microsPerRow\":%.3f,"
            + "\"fitRows\":%d,\"fitSeconds\":%.3f,\"fitRunner\":\"%s\",\"meanProbability\":%.6f}",
        config.dims(),
        config.localRows(),
        pool,
        seconds,
        config.localRows() / seconds,
        seconds * 1e6 / config.localRows(),
        config.trainRows(),
        fitSeconds,
        runner,
        sink / (pool + config.localRows()));
  }

  private static double probability(Row scored) {
    return scored.getLogicalTypeValue("predictionDetail", Vector.class).get(1);
  }

  /**
   * Seconds for a pipeline that generates the rows, scores them with {@code model} (unless null)
   * and counts them.
   */
  private static double pipeline(Columns data, PipelineModel model, Config config, String[] args) {
    Pipeline p = Pipeline.create(RunnerOptions.fromArgs(args));
    PCollection<Row> rows =
        p.apply("Generate", GenerateSequence.from(0).to(config.pipelineRows()))
            .apply("Rows", MapElements.via(new RowFn(data)))
            .setRowSchema(data.schema);
    if (model != null) {
      rows = rows.apply("Score", MapRows.using(model));
    }
    rows.apply("Count", Count.globally())
        .apply("Check", ParDo.of(new CheckCountFn(config.pipelineRows())));
    long start = System.nanoTime();
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Rows of {@code dims} numeric columns and a label, each a function of the seed and its index.
   */
  static final class Columns implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    final int dims;
    final long seed;
    final Schema schema;

    Columns(int dims, long seed) {
      this.dims = dims;
      this.seed = seed;
      Schema.Builder b = Schema.builder();
      for (String name : featureNames()) {
        b.addDoubleField(name);
      }
      this.schema = b.addDoubleField("label").build();
    }

    String[] featureNames() {
      String[] names = new String[dims];
      for (int j = 0; j < dims; j++) {
        names[j] = "x" + j;
      }
      return names;
    }

    Row row(long i) {
      SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
      List<Object> values = new ArrayList<>(dims + 1);
      double m = 0.5;
      for (int j = 0; j < dims; j++) {
        double v = 2 * r.nextDouble() - 1;
        values.add(v);
        m += v * ((j % 7) - 3) * 0.25;
      }
      values.add(r.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1.0 : 0.0);
      return Row.withSchema(schema).attachValues(values);
    }
  }

  private static final class RowFn extends SimpleFunction<Long, Row> {
    private final Columns data;

    RowFn(Columns data) {
      this.data = data;
    }

    @Override
    public Row apply(Long i) {
      return data.row(i);
    }
  }

  private static final class KeepFn extends DoFn<PipelineModel, Void> {
    static volatile PipelineModel last;

    @ProcessElement
    public void process(@Element PipelineModel model) {
      last = model;
    }
  }

  private static final class CheckCountFn extends DoFn<Long, Void> {
    private final long expected;

    CheckCountFn(long expected) {
      this.expected = expected;
    }

    @ProcessElement
    public void process(@Element Long count) {
      if (count != expected) {
        throw new IllegalStateException("Scored " + count + " rows, expected " + expected);
      }
    }
  }

  /** Runs the standard configuration with {@code args} as Beam options. */
  public static void main(String[] args) {
    for (String line : run(STANDARD, args)) {
      System.out.println(line);
    }
  }
}
