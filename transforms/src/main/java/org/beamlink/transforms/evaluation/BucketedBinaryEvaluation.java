package org.beamlink.transforms.evaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.ApproximateQuantiles.ApproximateQuantilesCombineFn;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.View;
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

/**
 * The exact evaluation of the global window (see {@link BinaryClassificationEvaluation}): the rows
 * cut into sort buckets at approximate quantiles of the score, each bucket's distinct scores
 * counted and sorted on their own, and the buckets' segments joined by prefix sums of their totals.
 */
final class BucketedBinaryEvaluation {
  private BucketedBinaryEvaluation() {}

  /**
   * The metrics of {@code input} in {@code buckets} sort buckets (fewer when each would hold fewer
   * than {@code minBucketSize} rows).
   */
  static PCollection<BinaryMetrics> evaluate(
      PCollection<Row> input,
      BinaryScores scores,
      int buckets,
      int minBucketSize,
      double threshold,
      int curvePoints) {
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
            .apply("Labels", Combine.globally(new BinaryLabels.LabelSetFn()))
            .setCoder(ListCoder.of(StringUtf8Coder.of()));

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
                ParDo.of(new AssignBucketFn(boundaries, rowCount, minBucketSize))
                    .withSideInputs(boundaries, rowCount))
            .setCoder(KvCoder.of(VarIntCoder.of(), ScoreCount.Coder.of()))
            .apply("Count per score", Combine.perKey(new BucketTableFn()))
            .setCoder(KvCoder.of(VarIntCoder.of(), new ScoreTable.Coder()));
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
                ParDo.of(new WalkBucketFn(totals, threshold, curvePoints)).withSideInputs(totals))
            .setCoder(KvCoder.of(VarIntCoder.of(), BinaryRanking.SegmentCoder.of()))
            .apply("Segments view", View.asList());
    return labels
        .apply(
            "Metrics",
            ParDo.of(new FinishFn(scores, threshold, totals, segments))
                .withSideInputs(totals, segments))
        .setCoder(BinaryMetrics.Coder.of());
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

  /** The distinct scores of one sort bucket with their counts. */
  private static final class BucketTableFn
      extends Combine.CombineFn<ScoreCount, ScoreTable, ScoreTable> {
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
      return new ScoreTable.Coder();
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
      BinaryLabels.addLabels(new TreeSet<>(), labels, scores.labelCol(), "");
      long positives = 0;
      long negatives = 0;
      long distinct = 0;
      for (Totals t : c.sideInput(totalsView).values()) {
        positives += t.positives();
        negatives += t.negatives();
        distinct += t.distinct();
      }
      if (positives + negatives == 0) {
        throw new IllegalArgumentException(
            BinaryClassificationEvaluation.NAME + ": no rows to evaluate");
      }
      if (positives == 0 || negatives == 0) {
        throw new IllegalArgumentException(
            BinaryClassificationEvaluation.NAME
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
              BinaryLabels.negativeOf(labels, scores.positiveLabel()),
              threshold));
    }
  }
}
