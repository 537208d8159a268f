package org.beamlink.transforms.evaluation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;

/**
 * Multi-class classification metrics from a confusion matrix, with scikit-learn's definitions
 * ({@code accuracy_score}, {@code precision_recall_fscore_support} with {@code average} macro,
 * micro and weighted, {@code confusion_matrix}, {@code log_loss}, {@code cohen_kappa_score}).
 *
 * <p>The value holds the sufficient statistics (labels, confusion matrix, summed log loss); every
 * metric is computed from them on request. Labels are in the order of the confusion matrix's rows
 * and columns: scikit-learn's sorted union of true and predicted labels for {@link
 * MultiClassEvaluation}.
 *
 * <p>Zero division: a class never predicted has precision {@code zeroDivision}, a class that never
 * occurs has recall {@code zeroDivision}; 0 by default, as scikit-learn's {@code zero_division=0}.
 * An F1 whose precision and recall are both 0 is 0. {@code withZeroDivision(1.0)} gives the
 * convention of Alink's documented binary example (a class never predicted counts as precise).
 *
 * <pre>{@code
 * MultiClassMetrics m = ...;
 * double macroF1 = m.macroF1();
 * long[][] cm = m.confusionMatrix(); // rows: true label, columns: predicted label
 * System.out.print(m.report());
 * }</pre>
 */
@DefaultCoder(MultiClassMetrics.Coder.class)
public final class MultiClassMetrics implements EvaluationMetrics {
  private static final long serialVersionUID = 1L;

  private static final Schema SCHEMA =
      Schema.builder()
          .addInt64Field("count")
          .addInt32Field("numClasses")
          .addDoubleField("accuracy")
          .addDoubleField("macroPrecision")
          .addDoubleField("macroRecall")
          .addDoubleField("macroF1")
          .addDoubleField("microPrecision")
          .addDoubleField("microRecall")
          .addDoubleField("microF1")
          .addDoubleField("weightedPrecision")
          .addDoubleField("weightedRecall")
          .addDoubleField("weightedF1")
          .addDoubleField("kappa")
          .addDoubleField("logLoss")
          .addArrayField("labels", FieldType.STRING)
          .addArrayField("confusionMatrix", FieldType.array(FieldType.INT64))
          .build();

  private final List<String> labels;
  private final long[][] confusion;
  private final double logLossSum;
  private final double zeroDivision;

  /**
   * Metrics of a confusion matrix.
   *
   * <pre>{@code
   * MultiClassMetrics m =
   *     MultiClassMetrics.of(List.of("a", "b"), new long[][] {{5, 1}, {2, 7}}, Double.NaN);
   * }</pre>
   *
   * @param labels the classes, in the order of the matrix's rows and columns (distinct)
   * @param confusion {@code confusion[i][j]} rows with true label {@code labels[i]} predicted as
   *     {@code labels[j]}; non-negative, with at least one row counted
   * @param logLossSum the summed log loss of the rows, NaN when there were no probabilities
   * @throws IllegalArgumentException for a matrix of another shape, negative counts, or no rows
   */
  public static MultiClassMetrics of(List<String> labels, long[][] confusion, double logLossSum) {
    return new MultiClassMetrics(labels, confusion, logLossSum, 0.0);
  }

  private MultiClassMetrics(
      List<String> labels, long[][] confusion, double logLossSum, double zeroDivision) {
    this.labels = List.copyOf(labels);
    if (labels.stream().distinct().count() != labels.size()) {
      throw new IllegalArgumentException("Expected distinct labels, got " + labels);
    }
    if (confusion.length != labels.size()) {
      throw new IllegalArgumentException(
          "Expected a " + labels.size() + "x" + labels.size() + " confusion matrix");
    }
    long total = 0;
    this.confusion = new long[confusion.length][];
    for (int i = 0; i < confusion.length; i++) {
      if (confusion[i].length != labels.size()) {
        throw new IllegalArgumentException(
            "Expected a " + labels.size() + "x" + labels.size() + " confusion matrix");
      }
      for (long c : confusion[i]) {
        if (c < 0) {
          throw new IllegalArgumentException("Expected counts >= 0, got " + c);
        }
        total += c;
      }
      this.confusion[i] = confusion[i].clone();
    }
    if (total == 0) {
      throw new IllegalArgumentException("Expected at least one row in the confusion matrix");
    }
    this.logLossSum = logLossSum;
    this.zeroDivision = zeroDivision;
  }

  /**
   * These metrics with precision and recall of {@code value} where their denominator is 0
   * (scikit-learn's {@code zero_division}).
   *
   * <pre>{@code
   * double alinkStyle = m.withZeroDivision(1.0).macroPrecision();
   * }</pre>
   *
   * @throws IllegalArgumentException unless {@code value} is 0 or 1
   */
  public MultiClassMetrics withZeroDivision(double value) {
    if (value != 0.0 && value != 1.0) {
      throw new IllegalArgumentException("Expected zeroDivision 0 or 1, got " + value);
    }
    return new MultiClassMetrics(labels, confusion, logLossSum, value);
  }

  /** The schema of {@link #toRow()}. */
  public static Schema schema() {
    return SCHEMA;
  }

  /** The classes, in the order of the confusion matrix. */
  public List<String> labels() {
    return labels;
  }

  /** A copy of the confusion matrix: rows true labels, columns predicted labels. */
  public long[][] confusionMatrix() {
    long[][] copy = new long[confusion.length][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = confusion[i].clone();
    }
    return copy;
  }

  /** The precision and recall given to a zero denominator. */
  public double zeroDivision() {
    return zeroDivision;
  }

  /** Rows evaluated. */
  public long count() {
    long n = 0;
    for (long[] row : confusion) {
      for (long c : row) {
        n += c;
      }
    }
    return n;
  }

  /** Rows of class {@code i} (its support). */
  public long support(int i) {
    long s = 0;
    for (long c : confusion[i]) {
      s += c;
    }
    return s;
  }

  /** Rows predicted as class {@code i}. */
  public long predicted(int i) {
    long s = 0;
    for (long[] row : confusion) {
      s += row[i];
    }
    return s;
  }

  private long correct() {
    long t = 0;
    for (int i = 0; i < confusion.length; i++) {
      t += confusion[i][i];
    }
    return t;
  }

  /** The fraction of rows predicted correctly. */
  public double accuracy() {
    return (double) correct() / count();
  }

  /** Precision of class {@code i}: correct predictions of it over its predictions. */
  public double precision(int i) {
    long p = predicted(i);
    return p == 0 ? zeroDivision : (double) confusion[i][i] / p;
  }

  /** Recall of class {@code i}: correct predictions of it over its rows. */
  public double recall(int i) {
    long s = support(i);
    return s == 0 ? zeroDivision : (double) confusion[i][i] / s;
  }

  /** F1 of class {@code i}: the harmonic mean of its precision and recall; 0 when both are 0. */
  public double f1(int i) {
    double p = precision(i);
    double r = recall(i);
    double denominator = p + r;
    return 2 * p * r / (denominator == 0.0 ? 1.0 : denominator);
  }

  /** The unweighted mean of the classes' precisions. */
  public double macroPrecision() {
    return macro(this::precision);
  }

  /** The unweighted mean of the classes' recalls. */
  public double macroRecall() {
    return macro(this::recall);
  }

  /** The unweighted mean of the classes' F1 scores. */
  public double macroF1() {
    return macro(this::f1);
  }

  /** Precision over all rows pooled; equal to accuracy for single-label classification. */
  public double microPrecision() {
    return accuracy();
  }

  /** Recall over all rows pooled; equal to accuracy for single-label classification. */
  public double microRecall() {
    return accuracy();
  }

  /** F1 over all rows pooled; equal to accuracy for single-label classification. */
  public double microF1() {
    return accuracy();
  }

  /** The classes' precisions weighted by their support. */
  public double weightedPrecision() {
    return weighted(this::precision);
  }

  /** The classes' recalls weighted by their support. */
  public double weightedRecall() {
    return weighted(this::recall);
  }

  /** The classes' F1 scores weighted by their support. */
  public double weightedF1() {
    return weighted(this::f1);
  }

  /**
   * Cohen's kappa of true and predicted labels, as scikit-learn's {@code cohen_kappa_score}: {@code
   * 1 - observed disagreement / disagreement expected from the marginals}; NaN when the expected
   * disagreement is 0 (a single class everywhere).
   */
  public double kappa() {
    double n = count();
    double expectedAgreement = 0.0;
    for (int i = 0; i < confusion.length; i++) {
      expectedAgreement += (double) support(i) * predicted(i) / n;
    }
    return 1.0 - (n - correct()) / (n - expectedAgreement);
  }

  /**
   * The mean log loss of the rows' probabilities, as scikit-learn's {@code log_loss} (see {@link
   * MultiClassEvaluation}); NaN when no probabilities were given.
   */
  public double logLoss() {
    return logLossSum / count();
  }

  private interface PerClass {
    double of(int i);
  }

  private double macro(PerClass metric) {
    double sum = 0.0;
    for (int i = 0; i < labels.size(); i++) {
      sum += metric.of(i);
    }
    return sum / labels.size();
  }

  private double weighted(PerClass metric) {
    double sum = 0.0;
    for (int i = 0; i < labels.size(); i++) {
      sum += support(i) * metric.of(i);
    }
    return sum / count();
  }

  @Override
  public Row toRow() {
    List<List<Long>> matrix = new ArrayList<>();
    for (long[] row : confusion) {
      matrix.add(Arrays.stream(row).boxed().toList());
    }
    return Row.withSchema(SCHEMA)
        .addValues(
            count(),
            labels.size(),
            accuracy(),
            macroPrecision(),
            macroRecall(),
            macroF1(),
            microPrecision(),
            microRecall(),
            microF1(),
            weightedPrecision(),
            weightedRecall(),
            weightedF1(),
            kappa(),
            logLoss(),
            labels,
            matrix)
        .build();
  }

  @Override
  public String report() {
    StringBuilder out = new StringBuilder();
    out.append("Multi-class classification: ")
        .append(count())
        .append(" rows, ")
        .append(labels.size())
        .append(" classes\n\n");
    ReportTable summary = new ReportTable("metric", "value");
    summary.add("accuracy", accuracy());
    summary.add("macroPrecision", macroPrecision());
    summary.add("macroRecall", macroRecall());
    summary.add("macroF1", macroF1());
    summary.add("microPrecision", microPrecision());
    summary.add("microRecall", microRecall());
    summary.add("microF1", microF1());
    summary.add("weightedPrecision", weightedPrecision());
    summary.add("weightedRecall", weightedRecall());
    summary.add("weightedF1", weightedF1());
    summary.add("kappa", kappa());
    summary.add("logLoss", logLoss());
    out.append(summary).append('\n');
    ReportTable perClass = new ReportTable("class", "precision", "recall", "f1", "support");
    for (int i = 0; i < labels.size(); i++) {
      perClass.add(
          labels.get(i),
          ReportTable.format(precision(i)),
          ReportTable.format(recall(i)),
          ReportTable.format(f1(i)),
          Long.toString(support(i)));
    }
    out.append(perClass).append('\n');
    out.append("Confusion matrix (rows: true label, columns: predicted label)\n");
    String[] header = new String[labels.size() + 1];
    header[0] = "";
    for (int j = 0; j < labels.size(); j++) {
      header[j + 1] = labels.get(j);
    }
    ReportTable cm = new ReportTable(header);
    for (int i = 0; i < labels.size(); i++) {
      String[] cells = new String[labels.size() + 1];
      cells[0] = labels.get(i);
      for (int j = 0; j < labels.size(); j++) {
        cells[j + 1] = Long.toString(confusion[i][j]);
      }
      cm.add(cells);
    }
    out.append(cm);
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MultiClassMetrics m
        && labels.equals(m.labels)
        && Arrays.deepEquals(confusion, m.confusion)
        && Double.compare(logLossSum, m.logLossSum) == 0
        && Double.compare(zeroDivision, m.zeroDivision) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * labels.hashCode() + Arrays.deepHashCode(confusion))
        + Double.hashCode(logLossSum);
  }

  @Override
  public String toString() {
    return "MultiClassMetrics"
        + labels
        + " accuracy="
        + accuracy()
        + " macroF1="
        + macroF1()
        + " kappa="
        + kappa()
        + " logLoss="
        + logLoss();
  }

  /**
   * A deterministic coder: a version byte, the labels, the confusion matrix, the summed log loss
   * and the zero-division value.
   */
  public static final class Coder extends CustomCoder<MultiClassMetrics> {
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();

    /** The coder. */
    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(MultiClassMetrics value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeInt(value.labels.size());
      data.flush();
      for (String label : value.labels) {
        StringUtf8Coder.of().encode(label, out);
      }
      for (long[] row : value.confusion) {
        for (long c : row) {
          data.writeLong(c);
        }
      }
      data.writeDouble(value.logLossSum);
      data.writeDouble(value.zeroDivision);
      data.flush();
    }

    @Override
    public MultiClassMetrics decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int version = data.readByte();
      if (version != VERSION) {
        throw new CoderException(
            "Cannot decode MultiClassMetrics of version "
                + version
                + "; this coder reads version "
                + VERSION);
      }
      int k = data.readInt();
      List<String> labels = new ArrayList<>(k);
      for (int i = 0; i < k; i++) {
        labels.add(StringUtf8Coder.of().decode(in));
      }
      long[][] confusion = new long[k][k];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          confusion[i][j] = data.readLong();
        }
      }
      double logLossSum = data.readDouble();
      double zeroDivision = data.readDouble();
      return new MultiClassMetrics(labels, confusion, logLossSum, zeroDivision);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
