package org.beamlink.transforms.evaluation;

import com.google.auto.value.AutoValue;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * Evaluates binary classification: a label column against the positive class's score, giving {@link
 * BinaryMetrics} (AUC, KS, average precision, Spark's and Alink's areas under the PR curve, log
 * loss, accuracy, precision, recall, F1 and the confusion matrix at a threshold, and the ROC, PR,
 * KS and lift curves; see {@link BinaryMetrics} for the definitions, which follow scikit-learn).
 *
 * <p>The score comes from a numeric score column ({@link #of}: the probability of the positive
 * class, or any real score such as a margin, for which the log loss is NaN) or from a prediction
 * detail ({@link #ofDetail}): a {@code MAP<STRING, DOUBLE>} from label to probability (as Alink
 * writes it) or a vector of probabilities whose label order is given with {@link #withDetailLabels}
 * (as {@code LinearScorer} writes it, in the model's {@code labelValues()} order). The label column
 * may have any label type (string, boolean, number); labels are compared as text ({@code
 * LabelValues}).
 *
 * <p>Positive label: {@link #withPositiveLabel}; by default the value 1 of the label column's type
 * ({@code "1"} for strings, {@code true} for booleans), as Spark (label 1.0) and scikit-learn
 * ({@code pos_label=1}). Alink instead takes the greatest label; that needs a pass over the data
 * before the evaluation and is undefined in a window that lacks it, so it is not the default here.
 * With a score column every label other than the positive one is negative, and more than two
 * distinct labels are an error; with a detail, a label that is not one of the detail's two labels
 * is an error.
 *
 * <p>Windowing follows {@link EvaluationWindowing}: one result for input in the global window, one
 * per window for windowed input, a running result with {@link #cumulative}.
 *
 * <p>Scale and memory. In the global window (the bounded case) the evaluation is exact and
 * distributed: the rows are cut into ranges of score (sort buckets) at boundaries from Beam's
 * {@code ApproximateQuantiles} of the scores (rank error at most a quarter of the finest bucket);
 * all rows of one score fall into one bucket, where a combine ({@code Combine.perKey}) counts
 * positives and negatives per distinct score, so ties are exact; each bucket's totals go to every
 * worker as a side input for prefix sums, and each bucket's distinct scores are sorted on their
 * own. With {@code N} rows there are {@code min(sortBuckets, N / 50,000)} buckets (default {@code
 * sortBuckets} 1024; at least one), so a worker holds one bucket of at most about {@code max(1.5 *
 * N / sortBuckets, 100,000)} distinct scores at a time (about 60 bytes each): 100,000 (6 MB) for up
 * to 150 million rows, never all scores. Per window or cumulatively a combine keeps a table of the
 * window's distinct scores with their counts: memory proportional to the distinct scores of one
 * window (60 bytes each), suitable for the per-window volumes of a stream. Both paths compute the
 * metrics with the same arithmetic (exact integer AUC).
 *
 * <p>Curves: {@code curvePoints} (default 1000) points, evenly spaced in score rank, or every
 * distinct score when there are fewer; {@link #curves()} turns the result into rows.
 *
 * <p>Errors and undefined values: a null label, a null, NaN or infinite score, or a bad detail
 * fails with a message naming column, value and row. Empty input in the global window fails ("no
 * rows"); so does a single class in the global window (scikit-learn's {@code roc_auc_score} raises
 * too). Per window and cumulatively, where a stream must go on, a window with one class gives NaN
 * ranking metrics, and an empty window gives no result.
 *
 * <pre>{@code
 * PCollection<BinaryMetrics> metrics =
 *     scored.apply(BinaryClassificationEvaluation.ofDetail("label", "detail"));
 * PCollection<Row> table = metrics.apply(MetricsRows.of(BinaryMetrics.schema()));
 * PCollection<Row> roc = metrics.apply(BinaryClassificationEvaluation.curves());
 *
 * // per minute on a stream
 * stream.apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))))
 *     .apply(BinaryClassificationEvaluation.of("clicked", "probability"));
 * }</pre>
 */
@AutoValue
public abstract class BinaryClassificationEvaluation
    extends PTransform<PCollection<Row>, PCollection<BinaryMetrics>> {
  static final String NAME = "BinaryClassificationEvaluation";

  /**
   * The fewest rows a sort bucket is given (while there are enough): fewer, larger buckets cost
   * less per-bucket overhead, and 50,000 distinct scores take about 3 MB to sort.
   */
  static final int DEFAULT_MIN_BUCKET_SIZE = 50_000;

  abstract String labelCol();

  abstract @Nullable String scoreCol();

  abstract @Nullable String predictionDetailCol();

  abstract @Nullable List<String> detailLabels();

  abstract @Nullable String positiveLabel();

  abstract double threshold();

  abstract int curvePoints();

  abstract int sortBuckets();

  abstract int minBucketSize();

  abstract @Nullable Duration cumulativeEvery();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setLabelCol(String labelCol);

    abstract Builder setScoreCol(String scoreCol);

    abstract Builder setPredictionDetailCol(String predictionDetailCol);

    abstract Builder setDetailLabels(List<String> detailLabels);

    abstract Builder setPositiveLabel(String positiveLabel);

    abstract Builder setThreshold(double threshold);

    abstract Builder setCurvePoints(int curvePoints);

    abstract Builder setSortBuckets(int sortBuckets);

    abstract Builder setMinBucketSize(int minBucketSize);

    abstract Builder setCumulativeEvery(Duration every);

    abstract BinaryClassificationEvaluation build();
  }

  private static Builder defaults(String labelCol) {
    return new AutoValue_BinaryClassificationEvaluation.Builder()
        .setLabelCol(checkName(labelCol, "labelCol"))
        .setThreshold(0.5)
        .setCurvePoints(1000)
        .setSortBuckets(1024)
        .setMinBucketSize(DEFAULT_MIN_BUCKET_SIZE);
  }

  private static String checkName(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name for " + what + ", got " + name);
    }
    return name;
  }

  /**
   * Evaluates the numeric column {@code scoreCol} (the positive class's score) against {@code
   * labelCol}; threshold 0.5, positive label 1.
   *
   * <pre>{@code
   * rows.apply(BinaryClassificationEvaluation.of("label", "probability"));
   * }</pre>
   */
  public static BinaryClassificationEvaluation of(String labelCol, String scoreCol) {
    return defaults(labelCol).setScoreCol(checkName(scoreCol, "scoreCol")).build();
  }

  /**
   * Evaluates the prediction detail column {@code predictionDetailCol} ({@code MAP<STRING, DOUBLE>}
   * label to probability, or a vector with {@link #withDetailLabels}) against {@code labelCol}.
   *
   * <pre>{@code
   * rows.apply(BinaryClassificationEvaluation.ofDetail("label", "detail"));
   * }</pre>
   */
  public static BinaryClassificationEvaluation ofDetail(
      String labelCol, String predictionDetailCol) {
    return defaults(labelCol)
        .setPredictionDetailCol(checkName(predictionDetailCol, "predictionDetailCol"))
        .build();
  }

  /**
   * The labels of a vector detail column, in vector order (the model's {@code labelValues()});
   * required for a vector detail, not allowed for a map detail.
   *
   * <pre>{@code
   * BinaryClassificationEvaluation.ofDetail("label", "detail").withDetailLabels("0", "1");
   * }</pre>
   */
  public BinaryClassificationEvaluation withDetailLabels(String... labels) {
    if (labels == null || labels.length != 2) {
      throw new IllegalArgumentException(
          "Expected 2 detail labels, got " + (labels == null ? null : Arrays.asList(labels)));
    }
    return toBuilder().setDetailLabels(List.of(labels)).build();
  }

  /**
   * The positive label; any value whose text is a value of the label column's type ({@code 1},
   * {@code "yes"}, {@code true}). Default: 1 of the label column's type.
   *
   * <pre>{@code
   * BinaryClassificationEvaluation.of("label", "p").withPositiveLabel("yes");
   * }</pre>
   */
  public BinaryClassificationEvaluation withPositiveLabel(Object label) {
    if (label == null) {
      throw new IllegalArgumentException("Expected a positive label, got null");
    }
    return toBuilder().setPositiveLabel(String.valueOf(label)).build();
  }

  /**
   * The decision threshold of accuracy, precision, recall, F1 and the confusion matrix: a score
   * {@code >= threshold} predicts the positive label. Default 0.5; any finite number.
   *
   * <pre>{@code
   * BinaryClassificationEvaluation.of("label", "p").withThreshold(0.3);
   * }</pre>
   */
  public BinaryClassificationEvaluation withThreshold(double threshold) {
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("Expected a finite threshold, got " + threshold);
    }
    return toBuilder().setThreshold(threshold).build();
  }

  /**
   * The most curve points to keep (at least 2); default 1000.
   *
   * <pre>{@code
   * BinaryClassificationEvaluation.of("label", "p").withCurvePoints(200);
   * }</pre>
   */
  public BinaryClassificationEvaluation withCurvePoints(int curvePoints) {
    if (curvePoints < 2) {
      throw new IllegalArgumentException("Expected curvePoints >= 2, got " + curvePoints);
    }
    return toBuilder().setCurvePoints(curvePoints).build();
  }

  /**
   * The number of score ranges the bounded (global window) evaluation sorts separately (at least
   * 1); default 1024. More buckets mean less memory per worker (see the class comment).
   *
   * <pre>{@code
   * BinaryClassificationEvaluation.of("label", "p").withSortBuckets(4096);
   * }</pre>
   */
  public BinaryClassificationEvaluation withSortBuckets(int sortBuckets) {
    if (sortBuckets < 1) {
      throw new IllegalArgumentException("Expected sortBuckets >= 1, got " + sortBuckets);
    }
    return toBuilder().setSortBuckets(sortBuckets).build();
  }

  /**
   * The fewest rows per sort bucket while there are enough of them (default 50,000): with {@code N}
   * rows the bounded evaluation uses {@code min(sortBuckets, N / minBucketSize)} buckets (at least
   * one). Small values let tests cut small data into buckets.
   */
  BinaryClassificationEvaluation withMinBucketSize(int minBucketSize) {
    if (minBucketSize < 1) {
      throw new IllegalArgumentException("Expected minBucketSize >= 1, got " + minBucketSize);
    }
    return toBuilder().setMinBucketSize(minBucketSize).build();
  }

  /**
   * Evaluates everything seen so far in the global window, emitted {@code every} of processing time
   * (accumulating panes) and when the input ends (see {@link EvaluationWindowing}).
   *
   * <pre>{@code
   * stream.apply(
   *     BinaryClassificationEvaluation.of("label", "p").cumulative(Duration.standardSeconds(10)));
   * }</pre>
   */
  public BinaryClassificationEvaluation cumulative(Duration every) {
    return toBuilder().setCumulativeEvery(EvaluationWindowing.checkEvery(every)).build();
  }

  /**
   * Rows of the curves of each result ({@link BinaryMetrics#curveRows()}), followed by {@code
   * windowStart} and {@code windowEnd} as in {@link MetricsRows}.
   *
   * <pre>{@code
   * PCollection<Row> curve = metrics.apply(BinaryClassificationEvaluation.curves());
   * }</pre>
   */
  public static PTransform<PCollection<BinaryMetrics>, PCollection<Row>> curves() {
    return new BinaryCurves();
  }

  @Override
  public PCollection<BinaryMetrics> expand(PCollection<Row> input) {
    if (scoreCol() == null && detailLabels() != null && predictionDetailCol() == null) {
      throw new IllegalArgumentException("Detail labels need a prediction detail column");
    }
    BinaryScores scores =
        BinaryScores.of(
            input.getSchema(),
            labelCol(),
            scoreCol(),
            predictionDetailCol(),
            detailLabels(),
            positiveLabel());
    if (cumulativeEvery() != null || !EvaluationWindowing.isGlobal(input)) {
      return EvaluationWindowing.combine(
          input,
          new ScoreTableFn(scores, threshold(), curvePoints()),
          BinaryMetrics.Coder.of(),
          cumulativeEvery(),
          NAME + ": no rows to evaluate");
    }
    return BucketedBinaryEvaluation.evaluate(
        input, scores, sortBuckets(), minBucketSize(), threshold(), curvePoints());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("labelCol", labelCol()))
        .addIfNotNull(DisplayData.item("scoreCol", scoreCol()))
        .addIfNotNull(DisplayData.item("predictionDetailCol", predictionDetailCol()))
        .addIfNotNull(DisplayData.item("positiveLabel", positiveLabel()))
        .add(DisplayData.item("threshold", threshold()))
        .add(DisplayData.item("curvePoints", curvePoints()))
        .add(DisplayData.item("sortBuckets", sortBuckets()))
        .add(DisplayData.item("minBucketSize", minBucketSize()));
    if (cumulativeEvery() != null) {
      builder.add(DisplayData.item("cumulativeEvery", cumulativeEvery()));
    }
  }
}
