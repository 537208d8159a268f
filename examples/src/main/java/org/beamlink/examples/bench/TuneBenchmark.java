package org.beamlink.examples.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.evaluation.RandomSplit;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.tuning.Candidate;
import org.beamlink.transforms.tuning.CrossValidation;
import org.beamlink.transforms.tuning.ParamGrid;
import org.beamlink.transforms.tuning.TuningMetric;
import org.beamlink.transforms.tuning.TuningResult;

/**
 * {@code beamlink bench tune}: a grid search of logistic regression on the seeded data of {@code
 * bench logreg} ({@link LogisticData}, generated in each pipeline), one JSON line per run with
 * times, each end to end in the same JVM: one fit of all the training rows, the whole
 * cross-validated search as one job ({@link CrossValidation}: 4 {@code regParam} x 3 {@code
 * elasticNetParam} = 12 candidates x k folds, plus the 12 refits on all rows; every fit in one shim
 * loop, {@code "oneLoop":true}), the same search with every fit a branch of the job ({@code
 * --branches}: {@code withOneLoop(false)}; its error is reported if it fails), and the same
 * candidate x fold fits as separate jobs one after another (optional). The configuration:
 * 1M x 50, 3 folds.
 *
 * <pre>{@code
 * bin/beamlink bench tune --rows 1000000
 * bin/beamlink bench tune --rows 100000 --no-separate --branches
 * }</pre>
 */
public final class TuneBenchmark {
  private static final double[] REG_PARAMS = {1e-4, 1e-3, 1e-2, 1e-1};
  private static final double[] MIXES = {0.0, 0.5, 1.0};

  private TuneBenchmark() {}

  /** One benchmark configuration. */
  public record Config(
      long rows,
      int dims,
      int folds,
      int maxIter,
      long seed,
      boolean separateFits,
      boolean branchSearch) {}

  /** Runs {@code config} after a small warm-up fit; returns its JSON line. */
  public static String run(Config config, String... beamArgs) {
    LogisticData data = new LogisticData(config.rows(), config.dims(), 0, config.seed());
    LinearFit logreg = logreg(config.maxIter());
    ParamGrid grid = grid(logreg);
    Candidate middle = grid.candidates().get(4);
    oneFit(new LogisticData(20_000, config.dims(), 0, 1), middle.pipeline(), beamArgs);

    double oneFit = oneFit(data, middle.pipeline(), beamArgs);

    PipelineOptions options = RunnerOptions.fromArgs(beamArgs);
    CrossValidation cv =
        CrossValidation.of(grid, TuningMetric.auc("label", "probability"))
            .withFolds(config.folds())
            .withSeed(config.seed());
    TuningResult[] result = new TuningResult[1];
    double search = search(data, cv, result, beamArgs);
    boolean oneLoop = result[0].oneLoop();
    Row best = null;
    for (Row r : KeepTable.rows) {
      if (r.getInt32("rank") == 1
          && (best == null || r.getInt32("candidate") < best.getInt32("candidate"))) {
        best = r;
      }
    }
    double branches = Double.NaN;
    String branchError = null;
    if (config.branchSearch()) {
      try {
        branches = search(data, cv.withOneLoop(false), result, beamArgs);
      } catch (RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        branchError = String.valueOf(root.getMessage());
      }
    }

    double separate = Double.NaN;
    if (config.separateFits()) {
      separate = 0;
      for (Candidate c : grid.candidates()) {
        for (int f = 0; f < config.folds(); f++) {
          separate += foldFit(data, c.pipeline(), config.folds(), f, config.seed(), beamArgs);
        }
      }
    }
    int fits = grid.candidates().size() * (config.folds() + 1);
    return String.format(
        Locale.ROOT,
        "{\"algorithm\":\"tune\",\"runner\":\"%s\",\"rows\":%d,\"dims\":%d,\"candidates\":%d,"
            + "\"folds\":%d,\"fitsInSearch\":%d,\"oneFitSeconds\":%.3f,\"searchSeconds\":%.3f,"
            + "\"searchOverOneFit\":%.2f,\"oneLoop\":%s,\"branchSearchSeconds\":%s,"
            + "\"branchSearchError\":%s,\"separateFoldFitsSeconds\":%s,\"bestCandidate\":%s,"
            + "\"bestParams\":\"%s\",\"bestMeanAuc\":%s}",
        options.getRunner().getSimpleName(),
        config.rows(),
        config.dims(),
        grid.candidates().size(),
        config.folds(),
        fits,
        oneFit,
        search,
        search / oneFit,
        oneLoop,
        Double.isNaN(branches) ? "null" : String.format(Locale.ROOT, "%.3f", branches),
        branchError == null ? "null" : "\"" + branchError.replace("\"", "'") + "\"",
        Double.isNaN(separate) ? "null" : String.format(Locale.ROOT, "%.3f", separate),
        best == null ? "null" : best.getInt32("candidate"),
        best == null ? "" : grid.candidates().get(best.getInt32("candidate")).describe(),
        best == null ? "null" : String.format(Locale.ROOT, "%.6f", best.getDouble("mean")));
  }

  /**
   * Seconds of one job running the search {@code cv}; its table is left in {@link KeepTable} and
   * its result in {@code result[0]}.
   */
  private static double search(
      LogisticData data, CrossValidation cv, TuningResult[] result, String... beamArgs) {
    Pipeline p = Pipeline.create(RunnerOptions.fromArgs(beamArgs));
    result[0] = p.apply("Generate", data.rows(false)).apply(cv);
    result[0].table().apply(ParDo.of(new KeepTable()));
    KeepTable.rows.clear();
    long start = System.nanoTime();
    p.run().waitUntilFinish();
    return (System.nanoTime() - start) / 1e9;
  }

  private static LinearFit logreg(int maxIter) {
    return LogisticRegression.fit()
        .withLabelCol("label")
        .withVectorCol("features")
        .withMaxIter(maxIter)
        .withProbabilityCol("probability");
  }

  private static ParamGrid grid(LinearFit logreg) {
    List<Double> regs = Arrays.stream(REG_PARAMS).boxed().toList();
    List<Double> mixes = Arrays.stream(MIXES).boxed().toList();
    return ParamGrid.over(MlPipeline.of(logreg))
        .add("regParam", logreg, LinearFit::withRegParam, regs)
        .add("elasticNetParam", logreg, LinearFit::withElasticNetParam, mixes);
  }

  /** Seconds of one job fitting {@code pipeline} on all of {@code data}'s training rows. */
  private static double oneFit(LogisticData data, MlPipeline pipeline, String... beamArgs) {
    Pipeline p = Pipeline.create(RunnerOptions.fromArgs(beamArgs));
    p.apply("Generate", data.rows(false)).apply(pipeline.fit());
    long start = System.nanoTime();
    p.run().waitUntilFinish();
    return (System.nanoTime() - start) / 1e9;
  }

  /** Seconds of one job fitting {@code pipeline} on the rows outside fold {@code fold}. */
  private static double foldFit(
      LogisticData data, MlPipeline pipeline, int folds, int fold, long seed, String... beamArgs) {
    double[] weights = new double[folds];
    Arrays.fill(weights, 1.0);
    RandomSplit split = RandomSplit.of(weights).withSeed(seed);
    Pipeline p = Pipeline.create(RunnerOptions.fromArgs(beamArgs));
    PCollection<Row> rows = p.apply("Generate", data.rows(false));
    rows.apply("Training rows", Filter.by(r -> split.partOf(r) != fold))
        .setRowSchema(LogisticData.SCHEMA)
        .apply(pipeline.fit());
    long start = System.nanoTime();
    p.run().waitUntilFinish();
    return (System.nanoTime() - start) / 1e9;
  }

  /** Keeps the table in this JVM (embedded runners). */
  private static final class KeepTable extends DoFn<Row, Void> {
    static final List<Row> rows = java.util.Collections.synchronizedList(new ArrayList<>());

    @ProcessElement
    public void process(@Element Row row) {
      rows.add(row);
    }
  }
}
