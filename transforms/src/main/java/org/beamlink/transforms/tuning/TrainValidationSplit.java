package org.beamlink.transforms.tuning;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.transforms.evaluation.EvaluationMetrics;
import org.beamlink.transforms.evaluation.RandomSplit;

/**
 * One train/validation split for every candidate of a search, as Spark's {@code
 * TrainValidationSplit}: each candidate is fitted on the training part and scored by the {@link
 * TuningMetric} on the validation part; the best is refitted on all the rows ({@link TuningResult},
 * whose table has one fold, {@code fold0}, and {@code std} 0).
 *
 * <p>The split is {@link RandomSplit}'s: by a hash of each row's values and the seed, the same on
 * every run, runner and parallelism. All candidates are fitted in one job, as in {@link
 * CrossValidation}: a linear model whose candidates share their data in one loop of the iteration
 * shim (each candidate on the training part and on all the rows), anything else as branches.
 *
 * <p>Parameters: the search and the metric (required), {@code trainRatio} (in (0, 1), default
 * 0.75), {@code seed} (default 0), {@code oneLoop} (default true).
 *
 * <pre>{@code
 * TuningResult result =
 *     rows.apply(TrainValidationSplit.of(grid, TuningMetric.r2("y", "prediction")).withTrainRatio(0.8));
 * }</pre>
 */
public final class TrainValidationSplit extends PTransform<PCollection<Row>, TuningResult> {
  private final ParamSearch search;
  private final TuningMetric<?> metric;
  private final double trainRatio;
  private final long seed;
  private final boolean oneLoop;

  private TrainValidationSplit(
      ParamSearch search, TuningMetric<?> metric, double trainRatio, long seed, boolean oneLoop) {
    this.search = search;
    this.metric = metric;
    this.trainRatio = trainRatio;
    this.seed = seed;
    this.oneLoop = oneLoop;
  }

  /**
   * Splits 0.75 / 0.25 with seed 0 and ranks the candidates of {@code search} by {@code metric}.
   */
  public static TrainValidationSplit of(ParamSearch search, TuningMetric<?> metric) {
    if (search == null || metric == null) {
      throw new IllegalArgumentException("Expected a search and a metric");
    }
    return new TrainValidationSplit(search, metric, 0.75, 0L, true);
  }

  /** The fraction of rows to train on, in (0, 1); default 0.75. */
  public TrainValidationSplit withTrainRatio(double trainRatio) {
    if (!(trainRatio > 0 && trainRatio < 1)) {
      throw new IllegalArgumentException("Expected trainRatio in (0, 1), got " + trainRatio);
    }
    return new TrainValidationSplit(search, metric, trainRatio, seed, oneLoop);
  }

  /** The seed of the split; default 0. */
  public TrainValidationSplit withSeed(long seed) {
    return new TrainValidationSplit(search, metric, trainRatio, seed, oneLoop);
  }

  /**
   * Whether a search that can train every fit in one loop does (default true; see {@link
   * CrossValidation}); false fits every candidate as a branch of the pipeline.
   */
  public TrainValidationSplit withOneLoop(boolean oneLoop) {
    return new TrainValidationSplit(search, metric, trainRatio, seed, oneLoop);
  }

  @Override
  public TuningResult expand(PCollection<Row> input) {
    RandomSplit split = RandomSplit.of(trainRatio, 1 - trainRatio).withSeed(seed);
    return input.apply("Search", search(metric, row -> split.partOf(row) == 1 ? 0 : -1));
  }

  private <T extends EvaluationMetrics> CandidateSearch<T> search(
      TuningMetric<T> metric, SplitOf splitOf) {
    return new CandidateSearch<>(
        search,
        metric,
        1,
        CandidateSearch.perRow(splitOf, 1, "validation split"),
        "validation split",
        oneLoop);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("metric", metric.name()))
        .add(DisplayData.item("trainRatio", trainRatio))
        .add(DisplayData.item("seed", seed))
        .add(DisplayData.item("oneLoop", oneLoop));
  }
}
