package org.beamlink.transforms.tuning;

import java.util.Arrays;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.transforms.evaluation.EvaluationMetrics;
import org.beamlink.transforms.evaluation.RandomSplit;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.linear.LinearFits;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * k-fold cross-validation of every candidate of a search ({@link ParamGrid}, {@link RandomSearch}),
 * as scikit-learn's {@code GridSearchCV} and Spark's {@code CrossValidator}: each candidate's
 * pipeline is fitted on the rows outside a fold and scored by the {@link TuningMetric} on the rows
 * in it, for every fold; the candidates are ranked by the metric's mean over the folds, and the
 * best is refitted on all the rows ({@link TuningResult}).
 *
 * <p>Folds: by default a row's fold is decided by a hash of its values and the seed ({@link
 * RandomSplit} with {@code k} equal weights), so it is the same on every run, runner and
 * parallelism; fold sizes are then binomial around {@code n / k}, and identical rows share a fold.
 * With {@link #withFoldCol} the folds are given by an integer column holding {@code 0..k-1} (as
 * scikit-learn's {@code PredefinedSplit}); a null or out-of-range value fails naming the column,
 * the value and the row. With {@link #withStratifyCol} every class of that column is spread over
 * the folds as evenly as it can be ({@link StratifiedFolds}, as scikit-learn's {@code
 * StratifiedKFold}): fold sizes within one row of each other per class, identical rows possibly in
 * different folds.
 *
 * <p>One job. When the pipeline is plain transforms ({@code MapRows}: {@code VectorAssembler},
 * {@code Binarizer}, ...; they learn nothing, so they are the same on every fold) around one {@link
 * LinearFit} (logistic, softmax, SVM or linear regression), and the candidates vary only that fit's
 * parameters that leave its packed data alone ({@code l1}, {@code l2}, {@code regParam}, {@code
 * elasticNetParam}, {@code maxIter}, {@code tol}, {@code optimMethod}, {@code loss}, {@code
 * withIntercept}, {@code standardization}; see {@link LinearFit#sharesLoopWith}), the rows are
 * packed once with their fold and ONE loop of the iteration shim trains {@code candidates x (folds
 * + 1)} models ({@link LinearFits}): each candidate on the rows outside each fold and on all the
 * rows, each model with its own phase and minimizer, every superstep's all-reduce carrying the
 * unfinished models' sums. The folds are the same, so the metrics are those of separate fits to
 * rounding ({@link TuningResult#oneLoop} says which path ran). Any other search (a scaler or
 * another estimator fitted per fold, trees, clustering, a grid over a transform's parameter) fits
 * every candidate x fold as a branch of the pipeline, then every candidate on all the rows, since
 * which candidate wins is known only when the job runs; the winner's model is kept. Before any fit,
 * the folds are checked: each must have rows, and a binary metric ({@link
 * TuningMetric#needsBothClassesIn}) needs both classes in every fold; otherwise the job fails
 * naming the fold.
 *
 * <p>Parameters: the search and the metric (required), {@code folds} (at least 2, default 3),
 * {@code seed} (default 0), {@code foldCol} (default none), {@code stratifyCol} (default none; not
 * with {@code foldCol}), {@code oneLoop} (default true: one loop where the search allows it).
 *
 * <pre>{@code
 * LinearFit logreg = LogisticRegression.fit().withVectorCol("features").withLabelCol("label")
 *     .withProbabilityCol("probability");
 * MlPipeline pipeline = MlPipeline.of(assembler, scaler, logreg);
 * ParamGrid grid = ParamGrid.over(pipeline).add("logreg.l2", logreg, LinearFit::withL2, 1e-3, 1e-2);
 * TuningResult result =
 *     rows.apply(CrossValidation.of(grid, TuningMetric.auc("label", "probability")).withFolds(5));
 * result.bestModel().apply(WriteModel.to("best.blm"));
 * }</pre>
 */
public final class CrossValidation extends PTransform<PCollection<Row>, TuningResult> {
  private final ParamSearch search;
  private final TuningMetric<?> metric;
  private final int folds;
  private final long seed;
  private final @Nullable String foldCol;
  private final @Nullable String stratifyCol;
  private final boolean oneLoop;

  private CrossValidation(
      ParamSearch search,
      TuningMetric<?> metric,
      int folds,
      long seed,
      @Nullable String foldCol,
      @Nullable String stratifyCol,
      boolean oneLoop) {
    this.search = search;
    this.metric = metric;
    this.folds = folds;
    this.seed = seed;
    this.foldCol = foldCol;
    this.stratifyCol = stratifyCol;
    this.oneLoop = oneLoop;
  }

  /** Cross-validates the candidates of {@code search} by {@code metric}: 3 folds, seed 0. */
  public static CrossValidation of(ParamSearch search, TuningMetric<?> metric) {
    if (search == null || metric == null) {
      throw new IllegalArgumentException("Expected a search and a metric");
    }
    return new CrossValidation(search, metric, 3, 0L, null, null, true);
  }

  /** The number of folds, at least 2; default 3. */
  public CrossValidation withFolds(int folds) {
    if (folds < 2) {
      throw new IllegalArgumentException("Expected folds >= 2, got " + folds);
    }
    return new CrossValidation(search, metric, folds, seed, foldCol, stratifyCol, oneLoop);
  }

  /** The seed of the hashed fold assignment; default 0. */
  public CrossValidation withSeed(long seed) {
    return new CrossValidation(search, metric, folds, seed, foldCol, stratifyCol, oneLoop);
  }

  /**
   * Folds stratified by this column ({@link StratifiedFolds}, seeded by {@link #withSeed}); default
   * none (hashed).
   */
  public CrossValidation withStratifyCol(String stratifyCol) {
    if (stratifyCol == null || stratifyCol.isEmpty()) {
      throw new IllegalArgumentException("Expected a column to stratify by, got " + stratifyCol);
    }
    if (foldCol != null) {
      throw new IllegalArgumentException(
          "Folds are given by column '" + foldCol + "'; they cannot also be stratified");
    }
    return new CrossValidation(search, metric, folds, seed, foldCol, stratifyCol, oneLoop);
  }

  /** Folds given by this integer column, holding {@code 0..folds-1}; default none (hashed). */
  public CrossValidation withFoldCol(String foldCol) {
    if (foldCol == null || foldCol.isEmpty()) {
      throw new IllegalArgumentException("Expected a fold column name, got " + foldCol);
    }
    if (stratifyCol != null) {
      throw new IllegalArgumentException(
          "Folds are stratified by column '" + stratifyCol + "'; they cannot also be given");
    }
    return new CrossValidation(search, metric, folds, seed, foldCol, stratifyCol, oneLoop);
  }

  /**
   * Whether a search that can train every fit in one loop does (default true); false fits every
   * candidate x fold as a branch of the pipeline, as any other search.
   */
  public CrossValidation withOneLoop(boolean oneLoop) {
    return new CrossValidation(search, metric, folds, seed, foldCol, stratifyCol, oneLoop);
  }

  @Override
  public TuningResult expand(PCollection<Row> input) {
    PTransform<PCollection<Row>, PCollection<KV<Integer, Row>>> assign =
        stratifyCol != null
            ? StratifiedFolds.of(folds, stratifyCol).withSeed(seed).keyed()
            : CandidateSearch.perRow(splitOf(input.getSchema()), folds, "fold");
    return input.apply("Search", search(metric, assign));
  }

  private <T extends EvaluationMetrics> CandidateSearch<T> search(
      TuningMetric<T> metric, PTransform<PCollection<Row>, PCollection<KV<Integer, Row>>> assign) {
    return new CandidateSearch<>(search, metric, folds, assign, "fold", oneLoop);
  }

  private SplitOf splitOf(Schema schema) {
    int k = folds;
    if (foldCol == null) {
      double[] weights = new double[k];
      Arrays.fill(weights, 1.0);
      RandomSplit split = RandomSplit.of(weights).withSeed(seed);
      return split::partOf;
    }
    String col = foldCol;
    if (!schema.hasField(col)) {
      throw new IllegalArgumentException(
          "Fold column '" + col + "' not found; the input has columns " + schema.getFieldNames());
    }
    Schema.TypeName type = schema.getField(col).getType().getTypeName();
    if (!(type == Schema.TypeName.BYTE
        || type == Schema.TypeName.INT16
        || type == Schema.TypeName.INT32
        || type == Schema.TypeName.INT64)) {
      throw new IllegalArgumentException(
          "Fold column '" + col + "' has type " + type + "; expected an integer type");
    }
    return row -> {
      Object v = row.getValue(col);
      long fold = v == null ? -1 : ((Number) v).longValue();
      if (fold < 0 || fold >= k) {
        throw new IllegalArgumentException(
            "Fold column '"
                + col
                + "' holds "
                + v
                + " in row "
                + row
                + "; expected a fold in 0.."
                + (k - 1));
      }
      return (int) fold;
    };
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("metric", metric.name()))
        .add(DisplayData.item("folds", folds))
        .add(DisplayData.item("seed", seed))
        .addIfNotNull(DisplayData.item("foldCol", foldCol))
        .addIfNotNull(DisplayData.item("stratifyCol", stratifyCol))
        .add(DisplayData.item("oneLoop", oneLoop));
  }
}
