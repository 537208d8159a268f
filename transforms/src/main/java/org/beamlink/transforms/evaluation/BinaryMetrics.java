package org.beamlink.transforms.evaluation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Binary classification metrics of scores against labels, computed by {@link
 * BinaryClassificationEvaluation}.
 *
 * <p>Ranking metrics (all computed per distinct score, so tied scores are one threshold):
 *
 * <ul>
 *   <li>{@link #auc()}: area under the ROC curve, exact, ties counted half, as scikit-learn's
 *       {@code roc_auc_score}.
 *   <li>{@link #ks()}: Kolmogorov-Smirnov statistic, {@code max |TPR - FPR|} over thresholds.
 *   <li>{@link #averagePrecision()}: scikit-learn's {@code average_precision_score}, {@code sum
 *       (R_n - R_(n-1)) P_n} (a step function, no interpolation).
 *   <li>{@link #areaUnderPr()}: Spark's {@code BinaryClassificationMetrics.areaUnderPR} (Spark 2.3
 *       and later): the trapezoid rule over the precision-recall points, starting at {@code (recall
 *       0, precision of the first threshold)}.
 *   <li>{@link #areaUnderPrAlink()}: Alink's {@code PRC}: the same trapezoids starting at {@code
 *       (recall 0, precision 1)} (Alink's documented example gives 0.9027777777777777). Alink walks
 *       sample by sample, this walks threshold by threshold; they agree when scores have no ties.
 * </ul>
 *
 * <p>Threshold metrics: a row is predicted positive when its score is {@code >= threshold} (as
 * Spark's thresholds and the points of the curves); {@link #precision()}, {@link #recall()} and
 * {@link #f1()} are those of the positive class, 0 where the denominator is 0 (scikit-learn's
 * {@code zero_division=0}); {@link #asMultiClass()} gives the two-class view with macro, micro and
 * weighted averages.
 *
 * <p>{@link #logLoss()}: scikit-learn's {@code log_loss} (probabilities clipped to {@code [eps, 1 -
 * eps]}, {@code eps} the machine epsilon 2.220446049250313e-16, as its {@code eps="auto"}); NaN
 * when a score column held a value outside [0, 1], which is then not a probability.
 *
 * <p>Undefined values are NaN: the ranking metrics when one class has no rows (a window of a
 * stream; a bounded evaluation fails instead).
 *
 * <p>{@link #curve()} holds the ROC, precision-recall, KS and lift curves as one list of points
 * (every distinct score when there are at most {@code curvePoints} of them, else that many, evenly
 * spaced in score rank and including the first and last); {@link #curveRows()} gives them as rows
 * of {@link #curveSchema()}.
 *
 * <pre>{@code
 * BinaryMetrics m = ...;
 * System.out.print(m.report());
 * double auc = m.auc();
 * }</pre>
 */
@DefaultCoder(BinaryMetrics.Coder.class)
public final class BinaryMetrics implements EvaluationMetrics {
  private static final long serialVersionUID = 1L;

  private static final Schema SCHEMA =
      Schema.builder()
          .addStringField("positiveLabel")
          .addNullableStringField("negativeLabel")
          .addDoubleField("threshold")
          .addInt64Field("count")
          .addInt64Field("positives")
          .addInt64Field("negatives")
          .addInt64Field("distinctScores")
          .addDoubleField("auc")
          .addDoubleField("ks")
          .addDoubleField("averagePrecision")
          .addDoubleField("areaUnderPr")
          .addDoubleField("areaUnderPrAlink")
          .addDoubleField("logLoss")
          .addDoubleField("accuracy")
          .addDoubleField("precision")
          .addDoubleField("recall")
          .addDoubleField("f1")
          .addInt64Field("truePositives")
          .addInt64Field("falsePositives")
          .addInt64Field("trueNegatives")
          .addInt64Field("falseNegatives")
          .build();

  private static final Schema CURVE_SCHEMA =
      Schema.builder()
          .addDoubleField("threshold")
          .addInt64Field("truePositives")
          .addInt64Field("falsePositives")
          .addDoubleField("recall")
          .addDoubleField("falsePositiveRate")
          .addDoubleField("precision")
          .addDoubleField("positiveRate")
          .addDoubleField("lift")
          .addDoubleField("ks")
          .build();

  /**
   * One point of the curves: the rows with score {@code >= threshold} are predicted positive.
   *
   * @param threshold a distinct score
   * @param truePositives positive rows with score {@code >= threshold}
   * @param falsePositives negative rows with score {@code >= threshold}
   */
  public record CurvePoint(double threshold, long truePositives, long falsePositives)
      implements Serializable {}

  private final String positiveLabel;
  private final @Nullable String negativeLabel;
  private final double threshold;
  private final long positives;
  private final long negatives;
  private final long distinctScores;
  private final double auc;
  private final double ks;
  private final double averagePrecision;
  private final double areaUnderPr;
  private final double areaUnderPrAlink;
  private final double logLoss;
  private final long truePositives;
  private final long falsePositives;
  private final List<CurvePoint> curve;

  BinaryMetrics(
      String positiveLabel,
      @Nullable String negativeLabel,
      double threshold,
      long positives,
      long negatives,
      long distinctScores,
      double auc,
      double ks,
      double averagePrecision,
      double areaUnderPr,
      double areaUnderPrAlink,
      double logLoss,
      long truePositives,
      long falsePositives,
      List<CurvePoint> curve) {
    this.positiveLabel = positiveLabel;
    this.negativeLabel = negativeLabel;
    this.threshold = threshold;
    this.positives = positives;
    this.negatives = negatives;
    this.distinctScores = distinctScores;
    this.auc = auc;
    this.ks = ks;
    this.averagePrecision = averagePrecision;
    this.areaUnderPr = areaUnderPr;
    this.areaUnderPrAlink = areaUnderPrAlink;
    this.logLoss = logLoss;
    this.truePositives = truePositives;
    this.falsePositives = falsePositives;
    this.curve = List.copyOf(curve);
  }

  /** The schema of {@link #toRow()}. */
  public static Schema schema() {
    return SCHEMA;
  }

  /** The schema of {@link #curveRows()}. */
  public static Schema curveSchema() {
    return CURVE_SCHEMA;
  }

  /** The positive label, as text. */
  public String positiveLabel() {
    return positiveLabel;
  }

  /** The negative label, as text; null when no negative row was seen and none was declared. */
  public @Nullable String negativeLabel() {
    return negativeLabel;
  }

  /** The decision threshold of the threshold metrics. */
  public double threshold() {
    return threshold;
  }

  /** Rows evaluated. */
  public long count() {
    return positives + negatives;
  }

  /** Rows with the positive label. */
  public long positives() {
    return positives;
  }

  /** Rows with the negative label. */
  public long negatives() {
    return negatives;
  }

  /** Distinct scores (thresholds) among the rows. */
  public long distinctScores() {
    return distinctScores;
  }

  /** Area under the ROC curve, as scikit-learn's {@code roc_auc_score}. */
  public double auc() {
    return auc;
  }

  /** Kolmogorov-Smirnov statistic: {@code max |TPR - FPR|} over the thresholds. */
  public double ks() {
    return ks;
  }

  /** scikit-learn's {@code average_precision_score}. */
  public double averagePrecision() {
    return averagePrecision;
  }

  /** Spark's {@code areaUnderPR}: trapezoids from {@code (0, precision at the top score)}. */
  public double areaUnderPr() {
    return areaUnderPr;
  }

  /** Alink's {@code PRC}: trapezoids from {@code (0, 1)}. */
  public double areaUnderPrAlink() {
    return areaUnderPrAlink;
  }

  /** Mean log loss, as scikit-learn's {@code log_loss}; NaN for scores outside [0, 1]. */
  public double logLoss() {
    return logLoss;
  }

  /** Positive rows with score {@code >= threshold}. */
  public long truePositives() {
    return truePositives;
  }

  /** Negative rows with score {@code >= threshold}. */
  public long falsePositives() {
    return falsePositives;
  }

  /** Negative rows with score {@code < threshold}. */
  public long trueNegatives() {
    return negatives - falsePositives;
  }

  /** Positive rows with score {@code < threshold}. */
  public long falseNegatives() {
    return positives - truePositives;
  }

  /** The fraction of rows classified correctly at the threshold. */
  public double accuracy() {
    return (double) (truePositives + trueNegatives()) / count();
  }

  /** Precision of the positive class at the threshold; 0 when nothing is predicted positive. */
  public double precision() {
    long predicted = truePositives + falsePositives;
    return predicted == 0 ? 0.0 : (double) truePositives / predicted;
  }

  /** Recall of the positive class at the threshold; 0 when there are no positive rows. */
  public double recall() {
    return positives == 0 ? 0.0 : (double) truePositives / positives;
  }

  /** F1 of the positive class at the threshold; 0 when precision and recall are both 0. */
  public double f1() {
    double p = precision();
    double r = recall();
    return p + r == 0.0 ? 0.0 : 2 * p * r / (p + r);
  }

  /**
   * The confusion matrix at the threshold in scikit-learn's layout: rows true label, columns
   * predicted label, negative first: {@code {{TN, FP}, {FN, TP}}}.
   */
  public long[][] confusionMatrix() {
    return new long[][] {{trueNegatives(), falsePositives}, {falseNegatives(), truePositives}};
  }

  /**
   * The predictions at the threshold as two-class metrics (negative label first, named {@code "not
   * <positive label>"} when no negative label is known), for macro, micro and weighted averages and
   * kappa; the log loss carries over.
   *
   * <pre>{@code
   * double macroPrecision = binary.asMultiClass().macroPrecision();
   * }</pre>
   */
  public MultiClassMetrics asMultiClass() {
    String negative = negativeLabel != null ? negativeLabel : "not " + positiveLabel;
    return MultiClassMetrics.of(
        List.of(negative, positiveLabel), confusionMatrix(), logLoss * count());
  }

  /** The curve points, in descending threshold order. */
  public List<CurvePoint> curve() {
    return curve;
  }

  /**
   * One row of {@link #curveSchema()} per curve point: {@code threshold}, {@code truePositives},
   * {@code falsePositives}, {@code recall} (the true positive rate, the ROC curve's y), {@code
   * falsePositiveRate} (the ROC curve's x), {@code precision} (0 before any prediction), {@code
   * positiveRate} (the fraction of rows predicted positive: the x of the lift and KS charts),
   * {@code lift} ({@code precision} over the fraction of positive rows) and {@code ks} ({@code
   * recall - falsePositiveRate}).
   */
  public List<Row> curveRows() {
    List<Row> rows = new ArrayList<>(curve.size());
    double n = count();
    double base = positives / n;
    for (CurvePoint p : curve) {
      long tp = p.truePositives();
      long fp = p.falsePositives();
      double tpr = (double) tp / positives;
      double fpr = (double) fp / negatives;
      double precision = tp + fp == 0 ? 0.0 : (double) tp / (tp + fp);
      rows.add(
          Row.withSchema(CURVE_SCHEMA)
              .addValues(
                  p.threshold(),
                  tp,
                  fp,
                  tpr,
                  fpr,
                  precision,
                  (tp + fp) / n,
                  precision / base,
                  tpr - fpr)
              .build());
    }
    return rows;
  }

  @Override
  public Row toRow() {
    return Row.withSchema(SCHEMA)
        .addValues(
            positiveLabel,
            negativeLabel,
            threshold,
            count(),
            positives,
            negatives,
            distinctScores,
            auc,
            ks,
            averagePrecision,
            areaUnderPr,
            areaUnderPrAlink,
            logLoss,
            accuracy(),
            precision(),
            recall(),
            f1(),
            truePositives,
            falsePositives,
            trueNegatives(),
            falseNegatives())
        .build();
  }

  @Override
  public String report() {
    StringBuilder out = new StringBuilder();
    out.append("Binary classification: ")
        .append(count())
        .append(" rows, ")
        .append(positives)
        .append(" positive ('")
        .append(positiveLabel)
        .append("'), ")
        .append(negatives)
        .append(" negative")
        .append(negativeLabel == null ? "" : " ('" + negativeLabel + "')")
        .append(", ")
        .append(distinctScores)
        .append(" distinct scores\n\n");
    ReportTable table = new ReportTable("metric", "value");
    table.add("auc", auc);
    table.add("ks", ks);
    table.add("averagePrecision (sklearn)", averagePrecision);
    table.add("areaUnderPr (Spark)", areaUnderPr);
    table.add("areaUnderPrAlink (Alink)", areaUnderPrAlink);
    table.add("logLoss", logLoss);
    table.add("threshold", threshold);
    table.add("accuracy", accuracy());
    table.add("precision", precision());
    table.add("recall", recall());
    table.add("f1", f1());
    out.append(table).append('\n');
    out.append("Confusion matrix at threshold ")
        .append(ReportTable.format(threshold))
        .append(" (rows: true label, columns: predicted label)\n");
    String neg = negativeLabel == null ? "negative" : negativeLabel;
    ReportTable cm = new ReportTable("", neg, positiveLabel);
    cm.add(neg, Long.toString(trueNegatives()), Long.toString(falsePositives));
    cm.add(positiveLabel, Long.toString(falseNegatives()), Long.toString(truePositives));
    out.append(cm);
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinaryMetrics m
        && positiveLabel.equals(m.positiveLabel)
        && Objects.equals(negativeLabel, m.negativeLabel)
        && Double.compare(threshold, m.threshold) == 0
        && positives == m.positives
        && negatives == m.negatives
        && distinctScores == m.distinctScores
        && Double.compare(auc, m.auc) == 0
        && Double.compare(ks, m.ks) == 0
        && Double.compare(averagePrecision, m.averagePrecision) == 0
        && Double.compare(areaUnderPr, m.areaUnderPr) == 0
        && Double.compare(areaUnderPrAlink, m.areaUnderPrAlink) == 0
        && Double.compare(logLoss, m.logLoss) == 0
        && truePositives == m.truePositives
        && falsePositives == m.falsePositives
        && curve.equals(m.curve);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        positiveLabel, negativeLabel, positives, negatives, auc, logLoss, truePositives, curve);
  }

  @Override
  public String toString() {
    return "BinaryMetrics{rows="
        + count()
        + ", auc="
        + auc
        + ", ks="
        + ks
        + ", averagePrecision="
        + averagePrecision
        + ", logLoss="
        + logLoss
        + ", accuracy="
        + accuracy()
        + "}";
  }

  /**
   * A deterministic coder: a version byte, the labels, the counts and metrics, then the curve
   * points.
   */
  public static final class Coder extends CustomCoder<BinaryMetrics> {
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();
    private static final NullableCoder<String> NULLABLE_STRING =
        NullableCoder.of(StringUtf8Coder.of());

    /** The coder. */
    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(BinaryMetrics m, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.flush();
      StringUtf8Coder.of().encode(m.positiveLabel, out);
      NULLABLE_STRING.encode(m.negativeLabel, out);
      data.writeDouble(m.threshold);
      data.writeLong(m.positives);
      data.writeLong(m.negatives);
      data.writeLong(m.distinctScores);
      data.writeDouble(m.auc);
      data.writeDouble(m.ks);
      data.writeDouble(m.averagePrecision);
      data.writeDouble(m.areaUnderPr);
      data.writeDouble(m.areaUnderPrAlink);
      data.writeDouble(m.logLoss);
      data.writeLong(m.truePositives);
      data.writeLong(m.falsePositives);
      data.writeInt(m.curve.size());
      for (CurvePoint p : m.curve) {
        data.writeDouble(p.threshold());
        data.writeLong(p.truePositives());
        data.writeLong(p.falsePositives());
      }
      data.flush();
    }

    @Override
    public BinaryMetrics decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int version = data.readByte();
      if (version != VERSION) {
        throw new CoderException(
            "Cannot decode BinaryMetrics of version "
                + version
                + "; this coder reads version "
                + VERSION);
      }
      String positive = StringUtf8Coder.of().decode(in);
      String negative = NULLABLE_STRING.decode(in);
      double threshold = data.readDouble();
      long positives = data.readLong();
      long negatives = data.readLong();
      long distinct = data.readLong();
      double auc = data.readDouble();
      double ks = data.readDouble();
      double ap = data.readDouble();
      double areaUnderPr = data.readDouble();
      double areaUnderPrAlink = data.readDouble();
      double logLoss = data.readDouble();
      long tp = data.readLong();
      long fp = data.readLong();
      int n = data.readInt();
      List<CurvePoint> curve = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        curve.add(new CurvePoint(data.readDouble(), data.readLong(), data.readLong()));
      }
      return new BinaryMetrics(
          positive,
          negative,
          threshold,
          positives,
          negatives,
          distinct,
          auc,
          ks,
          ap,
          areaUnderPr,
          areaUnderPrAlink,
          logLoss,
          tp,
          fp,
          curve);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
