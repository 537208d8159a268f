package org.beamlink.transforms.evaluation;

import com.google.auto.value.AutoValue;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SetCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.ApproximateQuantiles.ApproximateQuantilesCombineFn;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.transforms.evaluation.BinaryRanking.Segment;
import org.beamlink.transforms.evaluation.BinaryRanking.Totals;
import org.beamlink.transforms.evaluation.BinaryScores.Scored;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;

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
  private static final String NAME = "BinaryClassificationEvaluation";

  /**
   * The fewest rows a sort bucket is given (while there are enough): fewer, larger buckets cost
   * less per-bucket overhead, and 50,000 distinct scores take about 3 MB to sort.
   */
  static final int DEFAULT_MIN_BUCKET_SIZE = 50_000;

  abstract String labelCol();

  abstract @Nullable String scoreCol();

  abstract @Nullable String detailCol();

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

    abstract Builder setDetailCol(String detailCol);

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
   * Evaluates the prediction detail column {@code detailCol} ({@code MAP<STRING, DOUBLE>} label to
   * probability, or a vector with {@link #withDetailLabels}) against {@code labelCol}.
   *
   * <pre>{@code
   * rows.apply(BinaryClassificationEvaluation.ofDetail("label", "detail"));
   * }</pre>
   */
  public static BinaryClassificationEvaluation ofDetail(String labelCol, String detailCol) {
    return defaults(labelCol).setDetailCol(checkName(detailCol, "detailCol")).build();
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
    return new Curves();
  }

  @Override
  public PCollection<BinaryMetrics> expand(PCollection<Row> input) {
    if (scoreCol() == null && detailLabels() != null && detailCol() == null) {
      throw new IllegalArgumentException("Detail labels need a prediction detail column");
    }
    BinaryScores scores =
        BinaryScores.of(
            input.getSchema(),
            labelCol(),
            scoreCol(),
            detailCol(),
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
    return exact(input, scores);
  }

  private PCollection<BinaryMetrics> exact(PCollection<Row> input, BinaryScores scores) {
    TupleTag<ScoreCount> scoresTag = new TupleTag<>() {};
    TupleTag<String> labelsTag = new TupleTag<>() {};
    PCollectionTuple read =
        input.apply(
            "Read scores",
            ParDo.of(new ReadFn(scores, scoresTag, labelsTag))
                .withOutputTags(scoresTag, TupleTagList.of(labelsTag)));
    PCollection<ScoreCount> rows = read.get(scoresTag).setCoder(ScoreCount.Coder.of());
    PCollection<List<String>> labels =
        read.get(labelsTag)
            .setCoder(StringUtf8Coder.of())
            .apply("Labels", Combine.globally(new LabelSetFn()))
            .setCoder(ListCoder.of(StringUtf8Coder.of()));

    int buckets = sortBuckets();
    PCollectionView<List<Double>> boundaries =
        rows.apply("Scores", MapElements.into(TypeDescriptors.doubles()).via(ScoreCount::score))
            .apply(
                "Bucket boundaries",
                Combine.globally(
                    ApproximateQuantilesCombineFn.create(
                        buckets + 1,
                        new Top.Natural<Double>(),
                        ApproximateQuantilesCombineFn.DEFAULT_MAX_NUM_ELEMENTS,
                        1.0 / (4.0 * buckets))))
            .apply("Boundaries view", View.asSingleton());
    PCollectionView<Long> rowCount =
        rows.apply("Count rows", Count.globally()).apply("Count view", View.asSingleton());
    // Rows of one score land in one bucket, so each bucket's table counts its ties exactly.
    PCollection<KV<Integer, ScoreTable>> tables =
        rows.apply(
                "Assign buckets",
                ParDo.of(new AssignBucketFn(boundaries, rowCount, minBucketSize()))
                    .withSideInputs(boundaries, rowCount))
            .setCoder(KvCoder.of(VarIntCoder.of(), ScoreCount.Coder.of()))
            .apply("Count per score", Combine.perKey(new BucketTableFn()))
            .setCoder(KvCoder.of(VarIntCoder.of(), new ScoreTableCoder()));
    PCollectionView<Map<Integer, Totals>> totals =
        tables
            .apply(
                "Bucket totals",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.integers(), TypeDescriptor.of(Totals.class)))
                    .via(kv -> KV.of(kv.getKey(), kv.getValue().totals())))
            .setCoder(KvCoder.of(VarIntCoder.of(), BinaryRanking.TotalsCoder.of()))
            .apply("Totals view", View.asMap());
    PCollectionView<List<KV<Integer, Segment>>> segments =
        tables
            .apply(
                "Sort and walk buckets",
                ParDo.of(new WalkBucketFn(totals, threshold(), curvePoints()))
                    .withSideInputs(totals))
            .setCoder(KvCoder.of(VarIntCoder.of(), BinaryRanking.SegmentCoder.of()))
            .apply("Segments view", View.asList());
    return labels
        .apply(
            "Metrics",
            ParDo.of(new FinishFn(scores, threshold(), totals, segments))
                .withSideInputs(totals, segments))
        .setCoder(BinaryMetrics.Coder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("labelCol", labelCol()))
        .addIfNotNull(DisplayData.item("scoreCol", scoreCol()))
        .addIfNotNull(DisplayData.item("detailCol", detailCol()))
        .addIfNotNull(DisplayData.item("positiveLabel", positiveLabel()))
        .add(DisplayData.item("threshold", threshold()))
        .add(DisplayData.item("curvePoints", curvePoints()))
        .add(DisplayData.item("sortBuckets", sortBuckets()))
        .add(DisplayData.item("minBucketSize", minBucketSize()));
    if (cumulativeEvery() != null) {
      builder.add(DisplayData.item("cumulativeEvery", cumulativeEvery()));
    }
  }

  /**
   * The bucket of {@code score}: how many of the ascending {@code interior} boundaries are below.
   */
  static int bucketOf(double score, double[] interior) {
    int lo = 0;
    int hi = interior.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (interior[mid] < score) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Adds {@code more} labels to {@code seen}, failing when there are more than two in all. */
  static void addLabels(Set<String> seen, Iterable<String> more, String labelCol, Object where) {
    for (String label : more) {
      seen.add(label);
    }
    if (seen.size() > 2) {
      throw new IllegalArgumentException(
          "Label column '"
              + labelCol
              + "' has more than two labels "
              + seen
              + " for a binary evaluation"
              + where);
    }
  }

  /** The negative label among {@code labels}: the one that is not {@code positive}, or null. */
  static @Nullable String negativeOf(Iterable<String> labels, String positive) {
    for (String label : labels) {
      if (!label.equals(positive)) {
        return label;
      }
    }
    return null;
  }

  private static final class ReadFn extends DoFn<Row, ScoreCount> {
    private final BinaryScores scores;
    private final TupleTag<ScoreCount> scoresTag;
    private final TupleTag<String> labelsTag;
    private transient Set<String> seenInBundle;

    ReadFn(BinaryScores scores, TupleTag<ScoreCount> scoresTag, TupleTag<String> labelsTag) {
      this.scores = scores;
      this.scoresTag = scoresTag;
      this.labelsTag = labelsTag;
    }

    @StartBundle
    public void startBundle() {
      seenInBundle = new HashSet<>();
    }

    @ProcessElement
    public void process(@Element Row row, MultiOutputReceiver out) {
      Scored s = scores.read(row);
      // Labels go out once per bundle: the label check needs the distinct labels, not every row.
      emitLabel(s.label(), out);
      if (s.otherLabel() != null) {
        emitLabel(s.otherLabel(), out);
      }
      ScoreCount count =
          new ScoreCount(s.score(), s.positive() ? 1 : 0, s.positive() ? 0 : 1, s.logLoss());
      out.get(scoresTag).output(count);
    }

    private void emitLabel(String label, MultiOutputReceiver out) {
      if (seenInBundle.add(label)) {
        out.get(labelsTag).output(label);
      }
    }
  }

  /** The distinct labels seen, sorted; at most three kept, enough to report too many. */
  private static final class LabelSetFn
      extends Combine.CombineFn<String, Set<String>, List<String>> {
    private static final int KEEP = 3;

    @Override
    public Set<String> createAccumulator() {
      return new HashSet<>();
    }

    @Override
    public Set<String> addInput(Set<String> acc, String label) {
      if (acc.size() < KEEP) {
        acc.add(label);
      }
      return acc;
    }

    @Override
    public Set<String> mergeAccumulators(Iterable<Set<String>> accs) {
      Set<String> all = new HashSet<>();
      for (Set<String> acc : accs) {
        for (String label : acc) {
          if (all.size() < KEEP) {
            all.add(label);
          }
        }
      }
      return all;
    }

    @Override
    public List<String> extractOutput(Set<String> acc) {
      return List.copyOf(new TreeSet<>(acc));
    }

    @Override
    public Coder<Set<String>> getAccumulatorCoder(
        CoderRegistry registry, Coder<String> inputCoder) {
      return SetCoder.of(StringUtf8Coder.of());
    }
  }

  /**
   * The cuts between sort buckets: of the interior {@code quantiles} (the first and last are the
   * minimum and maximum), every {@code step}-th, so that there are at most {@code rows /
   * minBucketSize} buckets (at least one).
   */
  static double[] cuts(List<Double> quantiles, long rows, int minBucketSize) {
    int interior = Math.max(0, quantiles.size() - 2);
    long wanted = Math.max(1, Math.min(interior + 1L, rows / minBucketSize));
    int step = (int) ((interior + wanted) / wanted);
    double[] cuts = new double[(int) wanted - 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = quantiles.get(1 + Math.min(interior - 1, (i + 1) * step - 1));
    }
    return cuts;
  }

  private static final class AssignBucketFn extends DoFn<ScoreCount, KV<Integer, ScoreCount>> {
    private final PCollectionView<List<Double>> boundaries;
    private final PCollectionView<Long> rowCount;
    private final int minBucketSize;
    private transient double[] cuts;

    AssignBucketFn(
        PCollectionView<List<Double>> boundaries,
        PCollectionView<Long> rowCount,
        int minBucketSize) {
      this.boundaries = boundaries;
      this.rowCount = rowCount;
      this.minBucketSize = minBucketSize;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      if (cuts == null) {
        cuts = cuts(c.sideInput(boundaries), c.sideInput(rowCount), minBucketSize);
      }
      c.output(KV.of(bucketOf(c.element().score(), cuts), c.element()));
    }
  }

  private static final class WalkBucketFn
      extends DoFn<KV<Integer, ScoreTable>, KV<Integer, Segment>> {
    private final PCollectionView<Map<Integer, Totals>> totalsView;
    private final double threshold;
    private final int curvePoints;

    WalkBucketFn(
        PCollectionView<Map<Integer, Totals>> totalsView, double threshold, int curvePoints) {
      this.totalsView = totalsView;
      this.threshold = threshold;
      this.curvePoints = curvePoints;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      int bucket = c.element().getKey();
      Map<Integer, Totals> totals = c.sideInput(totalsView);
      long tpBefore = 0;
      long fpBefore = 0;
      long distinctBefore = 0;
      long positives = 0;
      long negatives = 0;
      long distinct = 0;
      for (Map.Entry<Integer, Totals> e : totals.entrySet()) {
        Totals t = e.getValue();
        positives += t.positives();
        negatives += t.negatives();
        distinct += t.distinct();
        if (e.getKey() > bucket) {
          tpBefore += t.positives();
          fpBefore += t.negatives();
          distinctBefore += t.distinct();
        }
      }
      List<ScoreCount> sorted = new ArrayList<>(c.element().getValue().counts.values());
      sorted.sort(Comparator.comparingDouble(ScoreCount::score).reversed());
      Segment segment =
          BinaryRanking.walk(
              sorted,
              tpBefore,
              fpBefore,
              distinctBefore,
              new Totals(positives, negatives, distinct),
              threshold,
              curvePoints);
      c.output(KV.of(bucket, segment));
    }
  }

  private static final class FinishFn extends DoFn<List<String>, BinaryMetrics> {
    private final BinaryScores scores;
    private final double threshold;
    private final PCollectionView<Map<Integer, Totals>> totalsView;
    private final PCollectionView<List<KV<Integer, Segment>>> segmentsView;

    FinishFn(
        BinaryScores scores,
        double threshold,
        PCollectionView<Map<Integer, Totals>> totalsView,
        PCollectionView<List<KV<Integer, Segment>>> segmentsView) {
      this.scores = scores;
      this.threshold = threshold;
      this.totalsView = totalsView;
      this.segmentsView = segmentsView;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      List<String> labels = c.element();
      addLabels(new TreeSet<>(), labels, scores.labelCol(), "");
      long positives = 0;
      long negatives = 0;
      long distinct = 0;
      for (Totals t : c.sideInput(totalsView).values()) {
        positives += t.positives();
        negatives += t.negatives();
        distinct += t.distinct();
      }
      if (positives + negatives == 0) {
        throw new IllegalArgumentException(NAME + ": no rows to evaluate");
      }
      if (positives == 0 || negatives == 0) {
        throw new IllegalArgumentException(
            NAME
                + ": only one class in label column '"
                + scores.labelCol()
                + "' (labels seen: "
                + labels
                + ", positive label '"
                + scores.positiveLabel()
                + "'): "
                + positives
                + " positive and "
                + negatives
                + " negative rows; AUC and the other ranking metrics are undefined");
      }
      List<KV<Integer, Segment>> byBucket = new ArrayList<>(c.sideInput(segmentsView));
      byBucket.sort(Comparator.comparing((KV<Integer, Segment> kv) -> kv.getKey()).reversed());
      List<Segment> descending = new ArrayList<>(byBucket.size());
      for (KV<Integer, Segment> kv : byBucket) {
        descending.add(kv.getValue());
      }
      c.output(
          BinaryRanking.finish(
              descending,
              new Totals(positives, negatives, distinct),
              scores.positiveLabel(),
              negativeOf(labels, scores.positiveLabel()),
              threshold));
    }
  }

  /** Distinct scores with their counts, and the labels seen: a window's data, in memory. */
  static final class ScoreTable {
    final Map<Double, ScoreCount> counts = new HashMap<>();
    final TreeSet<String> labels = new TreeSet<>();

    void add(ScoreCount c) {
      counts.merge(c.score(), c, ScoreCount::plus);
    }

    Totals totals() {
      long positives = 0;
      long negatives = 0;
      for (ScoreCount c : counts.values()) {
        positives += c.positives();
        negatives += c.negatives();
      }
      return new Totals(positives, negatives, counts.size());
    }
  }

  /** The distinct scores of one sort bucket with their counts. */
  static final class BucketTableFn extends Combine.CombineFn<ScoreCount, ScoreTable, ScoreTable> {
    @Override
    public ScoreTable createAccumulator() {
      return new ScoreTable();
    }

    @Override
    public ScoreTable addInput(ScoreTable table, ScoreCount count) {
      table.add(count);
      return table;
    }

    @Override
    public ScoreTable mergeAccumulators(Iterable<ScoreTable> tables) {
      ScoreTable merged = new ScoreTable();
      for (ScoreTable t : tables) {
        t.counts.values().forEach(merged::add);
      }
      return merged;
    }

    @Override
    public ScoreTable extractOutput(ScoreTable table) {
      return table;
    }

    @Override
    public Coder<ScoreTable> getAccumulatorCoder(
        CoderRegistry registry, Coder<ScoreCount> inputCoder) {
      return new ScoreTableCoder();
    }
  }

  /** The combine of the per-window and cumulative paths. */
  static final class ScoreTableFn extends MetricsCombineFn<Row, ScoreTable, BinaryMetrics> {
    private final BinaryScores scores;
    private final double threshold;
    private final int curvePoints;

    ScoreTableFn(BinaryScores scores, double threshold, int curvePoints) {
      this.scores = scores;
      this.threshold = threshold;
      this.curvePoints = curvePoints;
    }

    @Override
    public ScoreTable createAccumulator() {
      return new ScoreTable();
    }

    @Override
    public ScoreTable addInput(ScoreTable table, Row row) {
      Scored s = scores.read(row);
      List<String> labels =
          s.otherLabel() == null ? List.of(s.label()) : List.of(s.label(), s.otherLabel());
      addLabels(table.labels, labels, scores.labelCol(), " in row " + row);
      table.add(new ScoreCount(s.score(), s.positive() ? 1 : 0, s.positive() ? 0 : 1, s.logLoss()));
      return table;
    }

    @Override
    public ScoreTable mergeAccumulators(Iterable<ScoreTable> tables) {
      ScoreTable merged = new ScoreTable();
      for (ScoreTable t : tables) {
        addLabels(merged.labels, t.labels, scores.labelCol(), "");
        t.counts.values().forEach(merged::add);
      }
      return merged;
    }

    @Override
    public BinaryMetrics extractOutput(ScoreTable table) {
      return BinaryRanking.compute(
          table.counts.values(),
          scores.positiveLabel(),
          negativeOf(table.labels, scores.positiveLabel()),
          threshold,
          curvePoints);
    }

    @Override
    public Coder<ScoreTable> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return new ScoreTableCoder();
    }
  }

  /** The accumulator coder: the labels, then the distinct scores with their counts. */
  static final class ScoreTableCoder extends CustomCoder<ScoreTable> {
    private static final int VERSION = 1;

    @Override
    public void encode(ScoreTable table, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeInt(table.labels.size());
      for (String label : table.labels) {
        data.writeUTF(label);
      }
      data.writeInt(table.counts.size());
      for (ScoreCount c : table.counts.values()) {
        data.writeDouble(c.score());
        data.writeLong(c.positives());
        data.writeLong(c.negatives());
        data.writeDouble(c.logLoss());
      }
      data.flush();
    }

    @Override
    public ScoreTable decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int version = data.readByte();
      if (version != VERSION) {
        throw new CoderException("Cannot decode a score table of version " + version);
      }
      ScoreTable table = new ScoreTable();
      int labels = data.readInt();
      for (int i = 0; i < labels; i++) {
        table.labels.add(data.readUTF());
      }
      int n = data.readInt();
      for (int i = 0; i < n; i++) {
        table.add(
            new ScoreCount(data.readDouble(), data.readLong(), data.readLong(), data.readDouble()));
      }
      return table;
    }
  }

  private static final class Curves
      extends PTransform<PCollection<BinaryMetrics>, PCollection<Row>> {
    @Override
    public PCollection<Row> expand(PCollection<BinaryMetrics> input) {
      Schema schema = MetricsRows.outputSchema(BinaryMetrics.curveSchema());
      return input.apply("Curve rows", ParDo.of(new CurveRowsFn(schema))).setRowSchema(schema);
    }
  }

  private static final class CurveRowsFn extends DoFn<BinaryMetrics, Row> {
    private final Schema schema;

    CurveRowsFn(Schema schema) {
      this.schema = schema;
    }

    @ProcessElement
    public void process(
        @Element BinaryMetrics metrics, BoundedWindow window, OutputReceiver<Row> out) {
      Instant start = null;
      Instant end = null;
      if (window instanceof IntervalWindow interval) {
        start = interval.start();
        end = interval.end();
      }
      for (Row point : metrics.curveRows()) {
        List<Object> values = new ArrayList<>(point.getValues());
        values.add(start);
        values.add(end);
        out.output(Row.withSchema(schema).attachValues(values));
      }
    }
  }
}
