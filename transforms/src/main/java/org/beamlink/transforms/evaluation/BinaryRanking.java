package org.beamlink.transforms.evaluation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.beamlink.transforms.evaluation.BinaryMetrics.CurvePoint;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The arithmetic of binary ranking metrics, shared by the in-memory (windowed) and the distributed
 * (bounded) paths of {@link BinaryClassificationEvaluation}: both feed it distinct scores with
 * their positive and negative counts, in descending score order.
 *
 * <p>{@link #walk} processes one run of consecutive distinct scores given the counts above it (the
 * distributed path runs it once per score bucket, with prefix sums of the buckets above); {@link
 * #finish} adds the runs' partial sums in descending order. The AUC is summed in exact integer
 * arithmetic ({@code 2 * P * N * AUC}), so it does not depend on how the scores were cut into runs;
 * the other sums are floating point, added in a fixed order.
 */
final class BinaryRanking {
  private BinaryRanking() {}

  /** Counts over all rows: positives, negatives, distinct scores. */
  record Totals(long positives, long negatives, long distinct) implements Serializable {
    /** The counts of both. */
    Totals plus(Totals other) {
      return new Totals(
          positives + other.positives, negatives + other.negatives, distinct + other.distinct);
    }
  }

  /** A deterministic coder of {@link Totals}: a version byte and the three counts. */
  static final class TotalsCoder extends AtomicCoder<Totals> {
    private static final int VERSION = 1;
    private static final TotalsCoder INSTANCE = new TotalsCoder();

    static TotalsCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Totals t, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeLong(t.positives());
      data.writeLong(t.negatives());
      data.writeLong(t.distinct());
      data.flush();
    }

    @Override
    public Totals decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      checkVersion(data.readByte(), "Totals");
      return new Totals(data.readLong(), data.readLong(), data.readLong());
    }

    @Override
    public void verifyDeterministic() {}
  }

  private static void checkVersion(int version, String what) throws CoderException {
    if (version != 1) {
      throw new CoderException("Cannot decode " + what + " of version " + version);
    }
  }

  /** A deterministic coder of {@link Segment}: a version byte, the sums, then the points. */
  static final class SegmentCoder extends AtomicCoder<Segment> {
    private static final int VERSION = 1;
    private static final SegmentCoder INSTANCE = new SegmentCoder();

    static SegmentCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Segment s, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeLong(s.aucTwice);
      data.writeDouble(s.trapezoid);
      data.writeDouble(s.averagePrecision);
      data.writeDouble(s.ks);
      data.writeDouble(s.logLoss);
      data.writeLong(s.truePositives);
      data.writeLong(s.falsePositives);
      data.writeBoolean(s.hasFirst);
      data.writeDouble(s.firstRecall);
      data.writeDouble(s.firstPrecision);
      data.writeInt(s.points.size());
      for (CurvePoint p : s.points) {
        data.writeDouble(p.threshold());
        data.writeLong(p.truePositives());
        data.writeLong(p.falsePositives());
      }
      data.flush();
    }

    @Override
    public Segment decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      checkVersion(data.readByte(), "a Segment");
      Segment s = new Segment();
      s.aucTwice = data.readLong();
      s.trapezoid = data.readDouble();
      s.averagePrecision = data.readDouble();
      s.ks = data.readDouble();
      s.logLoss = data.readDouble();
      s.truePositives = data.readLong();
      s.falsePositives = data.readLong();
      s.hasFirst = data.readBoolean();
      s.firstRecall = data.readDouble();
      s.firstPrecision = data.readDouble();
      int n = data.readInt();
      for (int i = 0; i < n; i++) {
        s.points.add(new CurvePoint(data.readDouble(), data.readLong(), data.readLong()));
      }
      return s;
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** Partial sums of one run of distinct scores. */
  static final class Segment implements Serializable {
    private static final long serialVersionUID = 1L;

    long aucTwice;
    double trapezoid;
    double averagePrecision;
    double ks;
    double logLoss;
    long truePositives;
    long falsePositives;
    boolean hasFirst;
    double firstRecall;
    double firstPrecision;
    final List<CurvePoint> points = new ArrayList<>();
  }

  /** Whether the {@code index}-th (from 0) of {@code distinct} scores is a kept curve point. */
  static boolean keep(long index, long distinct, int maxPoints) {
    if (distinct <= maxPoints || index == 0) {
      return true;
    }
    long steps = maxPoints - 1L;
    return index * steps / (distinct - 1) != (index - 1) * steps / (distinct - 1);
  }

  /**
   * The partial sums of {@code descending} (distinct scores in descending order), given {@code
   * tpBefore} positives, {@code fpBefore} negatives and {@code distinctBefore} distinct scores
   * above them.
   */
  static Segment walk(
      Iterable<ScoreCount> descending,
      long tpBefore,
      long fpBefore,
      long distinctBefore,
      Totals totals,
      double threshold,
      int maxPoints) {
    Segment s = new Segment();
    double positives = totals.positives();
    double negatives = totals.negatives();
    long tp = tpBefore;
    long fp = fpBefore;
    long index = distinctBefore;
    for (ScoreCount c : descending) {
      long p = c.positives();
      long n = c.negatives();
      s.aucTwice = Math.addExact(s.aucTwice, Math.multiplyExact(n, 2 * tp + p));
      long tp2 = tp + p;
      long fp2 = fp + n;
      double recall2 = tp2 / positives;
      double precision2 = (double) tp2 / (tp2 + fp2);
      if (tp + fp == 0) {
        s.hasFirst = true;
        s.firstRecall = recall2;
        s.firstPrecision = precision2;
      } else {
        double recall1 = tp / positives;
        double precision1 = (double) tp / (tp + fp);
        s.trapezoid += (recall2 - recall1) * (precision2 + precision1) / 2;
      }
      s.averagePrecision += (recall2 - tp / positives) * precision2;
      s.ks = Math.max(s.ks, Math.abs(recall2 - fp2 / negatives));
      s.logLoss += c.logLoss();
      if (c.score() >= threshold) {
        s.truePositives += p;
        s.falsePositives += n;
      }
      if (keep(index, totals.distinct(), maxPoints)) {
        s.points.add(new CurvePoint(c.score(), tp2, fp2));
      }
      tp = tp2;
      fp = fp2;
      index++;
    }
    return s;
  }

  /**
   * The metrics from the runs' partial sums, {@code descending} in the order of their scores.
   * Ranking metrics are NaN when either class has no rows.
   */
  static BinaryMetrics finish(
      List<Segment> descending,
      Totals totals,
      String positiveLabel,
      @Nullable String negativeLabel,
      double threshold) {
    long aucTwice = 0;
    double trapezoid = 0.0;
    double averagePrecision = 0.0;
    double ks = 0.0;
    double logLoss = 0.0;
    long tp = 0;
    long fp = 0;
    double firstRecall = Double.NaN;
    double firstPrecision = Double.NaN;
    List<CurvePoint> points = new ArrayList<>();
    for (Segment s : descending) {
      aucTwice = Math.addExact(aucTwice, s.aucTwice);
      trapezoid += s.trapezoid;
      averagePrecision += s.averagePrecision;
      ks = Math.max(ks, s.ks);
      logLoss += s.logLoss;
      tp += s.truePositives;
      fp += s.falsePositives;
      if (s.hasFirst) {
        firstRecall = s.firstRecall;
        firstPrecision = s.firstPrecision;
      }
      points.addAll(s.points);
    }
    long p = totals.positives();
    long n = totals.negatives();
    boolean defined = p > 0 && n > 0;
    double nan = Double.NaN;
    return new BinaryMetrics(
        positiveLabel,
        negativeLabel,
        threshold,
        p,
        n,
        totals.distinct(),
        defined ? aucTwice / (2.0 * p * n) : nan,
        defined ? ks : nan,
        defined ? averagePrecision : nan,
        defined ? trapezoid + firstRecall * firstPrecision : nan,
        defined ? trapezoid + firstRecall * (1.0 + firstPrecision) / 2 : nan,
        logLoss / (p + n),
        tp,
        fp,
        points);
  }

  /** The metrics of distinct scores held in memory, in any order. */
  static BinaryMetrics compute(
      Collection<ScoreCount> scores,
      String positiveLabel,
      @Nullable String negativeLabel,
      double threshold,
      int maxPoints) {
    List<ScoreCount> sorted = new ArrayList<>(scores);
    sorted.sort(Comparator.comparingDouble(ScoreCount::score).reversed());
    long p = 0;
    long n = 0;
    for (ScoreCount c : sorted) {
      p += c.positives();
      n += c.negatives();
    }
    Totals totals = new Totals(p, n, sorted.size());
    Segment all = walk(sorted, 0, 0, 0, totals, threshold, maxPoints);
    return finish(List.of(all), totals, positiveLabel, negativeLabel, threshold);
  }
}
