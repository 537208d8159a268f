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
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.rows.LabelValues;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * Evaluates multi-class classification: a label column against a prediction column and/or a
 * prediction detail (class probabilities), giving {@link MultiClassMetrics}: accuracy, macro, micro
 * and weighted precision, recall and F1, Cohen's kappa, the confusion matrix and, with a detail,
 * the log loss; with scikit-learn's definitions (see {@link MultiClassMetrics}).
 *
 * <p>Inputs: {@link #of} takes a prediction column of the label column's type; {@link
 * #withPredictionDetailCol} adds a prediction detail for the log loss; {@link #ofDetail} takes only
 * a detail and predicts its most probable label (ties: the first in label order). A detail is a
 * {@code MAP<STRING, DOUBLE>} from label to probability, or a vector whose labels are given in
 * order with {@link #withDetailLabels} (as {@code LinearScorer} writes it, in the model's {@code
 * labelValues()} order).
 *
 * <p>Labels: the confusion matrix's rows and columns are the sorted union of true and predicted
 * labels, as scikit-learn's {@code confusion_matrix}; sorted as the label column's type sorts
 * (numbers by value, strings as Java compares them, which for ASCII is numpy's order).
 *
 * <p>Log loss: scikit-learn's {@code log_loss}: each row's probabilities clipped to {@code [eps, 1
 * - eps]} ({@code eps} the machine epsilon), divided by their sum, then {@code -log} of the true
 * label's; a true label that is not among the detail's labels is an error naming column, value and
 * row. Without a detail the log loss is NaN.
 *
 * <p>Errors: a null or NaN label or prediction, or a bad detail (null, NaN or out-of-range
 * probability, wrong vector size) fails with a message naming column, value and row. Empty input in
 * the global window fails ("no rows"); an empty window gives no result. One class only is
 * well-defined (accuracy, precision; kappa NaN as its expected disagreement is 0).
 *
 * <p>Windowing follows {@link EvaluationWindowing}. Memory: the combine keeps the confusion counts
 * ({@code K^2} for {@code K} classes), whatever the number of rows.
 *
 * <pre>{@code
 * PCollection<MultiClassMetrics> m =
 *     scored.apply(MultiClassEvaluation.of("label", "prediction").withPredictionDetailCol("detail")
 *         .withDetailLabels("0", "1", "2"));
 * m.apply(MetricsRows.of(MultiClassMetrics.schema()));
 * }</pre>
 */
@AutoValue
public abstract class MultiClassEvaluation
    extends PTransform<PCollection<Row>, PCollection<MultiClassMetrics>> {
  private static final String NAME = "MultiClassEvaluation";

  abstract String labelCol();

  abstract @Nullable String predictionCol();

  abstract @Nullable String predictionDetailCol();

  abstract @Nullable List<String> detailLabels();

  abstract double zeroDivision();

  abstract @Nullable Duration cumulativeEvery();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setLabelCol(String labelCol);

    abstract Builder setPredictionCol(String predictionCol);

    abstract Builder setPredictionDetailCol(String predictionDetailCol);

    abstract Builder setDetailLabels(List<String> detailLabels);

    abstract Builder setZeroDivision(double zeroDivision);

    abstract Builder setCumulativeEvery(Duration every);

    abstract MultiClassEvaluation build();
  }

  private static String checkName(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name for " + what + ", got " + name);
    }
    return name;
  }

  /**
   * Evaluates {@code predictionCol} against {@code labelCol} (both of the same label type).
   *
   * <pre>{@code
   * rows.apply(MultiClassEvaluation.of("label", "prediction"));
   * }</pre>
   */
  public static MultiClassEvaluation of(String labelCol, String predictionCol) {
    return new AutoValue_MultiClassEvaluation.Builder()
        .setLabelCol(checkName(labelCol, "labelCol"))
        .setPredictionCol(checkName(predictionCol, "predictionCol"))
        .setZeroDivision(0.0)
        .build();
  }

  /**
   * Evaluates the most probable label of the prediction detail {@code predictionDetailCol} against
   * {@code labelCol}, with the log loss of the detail's probabilities.
   *
   * <pre>{@code
   * rows.apply(MultiClassEvaluation.ofDetail("label", "detail"));
   * }</pre>
   */
  public static MultiClassEvaluation ofDetail(String labelCol, String predictionDetailCol) {
    return new AutoValue_MultiClassEvaluation.Builder()
        .setLabelCol(checkName(labelCol, "labelCol"))
        .setPredictionDetailCol(checkName(predictionDetailCol, "predictionDetailCol"))
        .setZeroDivision(0.0)
        .build();
  }

  /**
   * A prediction detail column for the log loss (with {@link #of}); none by default.
   *
   * <pre>{@code
   * MultiClassEvaluation.of("label", "prediction").withPredictionDetailCol("detail");
   * }</pre>
   */
  public MultiClassEvaluation withPredictionDetailCol(String predictionDetailCol) {
    return toBuilder()
        .setPredictionDetailCol(checkName(predictionDetailCol, "predictionDetailCol"))
        .build();
  }

  /**
   * The labels of a vector detail column, in vector order (at least 2); required for a vector
   * detail, not allowed for a map detail.
   *
   * <pre>{@code
   * MultiClassEvaluation.ofDetail("label", "detail").withDetailLabels("0", "1", "2");
   * }</pre>
   */
  public MultiClassEvaluation withDetailLabels(String... labels) {
    if (labels == null || labels.length < 2) {
      throw new IllegalArgumentException(
          "Expected at least 2 detail labels, got "
              + (labels == null ? null : Arrays.asList(labels)));
    }
    return toBuilder().setDetailLabels(List.of(labels)).build();
  }

  /**
   * The precision and recall of a class whose denominator is 0: 0 (default, scikit-learn's {@code
   * zero_division=0}) or 1.
   *
   * <pre>{@code
   * MultiClassEvaluation.of("label", "prediction").withZeroDivision(1.0);
   * }</pre>
   */
  public MultiClassEvaluation withZeroDivision(double value) {
    if (value != 0.0 && value != 1.0) {
      throw new IllegalArgumentException("Expected zeroDivision 0 or 1, got " + value);
    }
    return toBuilder().setZeroDivision(value).build();
  }

  /**
   * Evaluates everything seen so far in the global window, emitted {@code every} of processing time
   * (accumulating panes) and when the input ends (see {@link EvaluationWindowing}).
   *
   * <pre>{@code
   * stream.apply(
   *     MultiClassEvaluation.of("label", "prediction").cumulative(Duration.standardSeconds(5)));
   * }</pre>
   */
  public MultiClassEvaluation cumulative(Duration every) {
    return toBuilder().setCumulativeEvery(EvaluationWindowing.checkEvery(every)).build();
  }

  @Override
  public PCollection<MultiClassMetrics> expand(PCollection<Row> input) {
    Schema schema = input.getSchema();
    TypeName labelType = BinaryScores.labelType(schema, labelCol());
    if (predictionCol() != null) {
      if (!schema.hasField(predictionCol())) {
        throw new IllegalArgumentException(
            "Prediction column '" + predictionCol() + "' is not in the input schema " + schema);
      }
      TypeName predictionType = schema.getField(predictionCol()).getType().getTypeName();
      if (predictionType != labelType) {
        throw new IllegalArgumentException(
            "Prediction column '"
                + predictionCol()
                + "' has type "
                + predictionType
                + " but label column '"
                + labelCol()
                + "' has type "
                + labelType
                + "; expected the same type");
      }
    }
    if (predictionDetailCol() == null && detailLabels() != null) {
      throw new IllegalArgumentException("Detail labels need a prediction detail column");
    }
    PredictionDetail detail =
        predictionDetailCol() == null
            ? null
            : PredictionDetail.of(schema, predictionDetailCol(), labelType, detailLabels());
    return EvaluationWindowing.combine(
        input,
        new ConfusionFn(labelCol(), predictionCol(), detail, labelType, zeroDivision()),
        MultiClassMetrics.Coder.of(),
        cumulativeEvery(),
        NAME + ": no rows to evaluate");
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("labelCol", labelCol()))
        .addIfNotNull(DisplayData.item("predictionCol", predictionCol()))
        .addIfNotNull(DisplayData.item("predictionDetailCol", predictionDetailCol()))
        .add(DisplayData.item("zeroDivision", zeroDivision()));
    if (cumulativeEvery() != null) {
      builder.add(DisplayData.item("cumulativeEvery", cumulativeEvery()));
    }
  }

  /** Confusion counts (true label to predicted label to rows) and the summed log loss. */
  static final class Confusion {
    final Map<String, Map<String, Long>> counts = new HashMap<>();
    double logLoss;

    void add(String label, String predicted, long n) {
      counts.computeIfAbsent(label, k -> new HashMap<>()).merge(predicted, n, Long::sum);
    }
  }

  /** The combine of every path: confusion counts per window. */
  static final class ConfusionFn extends MetricsCombineFn<Row, Confusion, MultiClassMetrics> {
    private final String labelCol;
    private final @Nullable String predictionCol;
    private final @Nullable PredictionDetail detail;
    private final TypeName labelType;
    private final double zeroDivision;

    ConfusionFn(
        String labelCol,
        @Nullable String predictionCol,
        @Nullable PredictionDetail detail,
        TypeName labelType,
        double zeroDivision) {
      this.labelCol = labelCol;
      this.predictionCol = predictionCol;
      this.detail = detail;
      this.labelType = labelType;
      this.zeroDivision = zeroDivision;
    }

    @Override
    public Confusion createAccumulator() {
      return new Confusion();
    }

    @Override
    public Confusion addInput(Confusion acc, Row row) {
      String label = LabelValues.text(row, labelCol);
      String predicted = predictionCol == null ? null : LabelValues.text(row, predictionCol);
      if (detail != null) {
        Map<String, Double> probabilities = detail.probabilities(row);
        if (!probabilities.containsKey(label)) {
          throw new IllegalArgumentException(
              "Label column '"
                  + labelCol
                  + "' has value '"
                  + label
                  + "', which is not among the labels "
                  + probabilities.keySet()
                  + " of prediction detail column '"
                  + detail.column()
                  + "', in row "
                  + row);
        }
        acc.logLoss += PredictionDetail.logLossTerm(probabilities, label);
        if (predicted == null) {
          predicted = mostProbable(probabilities);
        }
      } else {
        acc.logLoss = Double.NaN;
      }
      acc.add(label, predicted, 1);
      return acc;
    }

    private String mostProbable(Map<String, Double> probabilities) {
      List<String> labels = new ArrayList<>(probabilities.keySet());
      labels.sort(LabelValues.order(labelType));
      String best = labels.get(0);
      for (String label : labels) {
        if (probabilities.get(label) > probabilities.get(best)) {
          best = label;
        }
      }
      return best;
    }

    @Override
    public Confusion mergeAccumulators(Iterable<Confusion> accs) {
      Confusion merged = new Confusion();
      for (Confusion acc : accs) {
        merged.logLoss += acc.logLoss;
        acc.counts.forEach((label, row) -> row.forEach((p, n) -> merged.add(label, p, n)));
      }
      return merged;
    }

    @Override
    public MultiClassMetrics extractOutput(Confusion acc) {
      Comparator<String> order = LabelValues.order(labelType);
      TreeSet<String> labels = new TreeSet<>(order);
      acc.counts.forEach(
          (label, row) -> {
            labels.add(label);
            labels.addAll(row.keySet());
          });
      List<String> sorted = new ArrayList<>(labels);
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < sorted.size(); i++) {
        index.put(sorted.get(i), i);
      }
      long[][] confusion = new long[sorted.size()][sorted.size()];
      acc.counts.forEach(
          (label, row) -> row.forEach((p, n) -> confusion[index.get(label)][index.get(p)] += n));
      return MultiClassMetrics.of(sorted, confusion, acc.logLoss).withZeroDivision(zeroDivision);
    }

    @Override
    public Coder<Confusion> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return new ConfusionCoder();
    }
  }

  /** The accumulator coder: the summed log loss, then (label, prediction, count) triples. */
  static final class ConfusionCoder extends CustomCoder<Confusion> {
    private static final int VERSION = 1;

    @Override
    public void encode(Confusion acc, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeDouble(acc.logLoss);
      int cells = 0;
      for (Map<String, Long> row : acc.counts.values()) {
        cells += row.size();
      }
      data.writeInt(cells);
      for (Map.Entry<String, Map<String, Long>> row : acc.counts.entrySet()) {
        for (Map.Entry<String, Long> cell : row.getValue().entrySet()) {
          data.writeUTF(row.getKey());
          data.writeUTF(cell.getKey());
          data.writeLong(cell.getValue());
        }
      }
      data.flush();
    }

    @Override
    public Confusion decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int version = data.readByte();
      if (version != VERSION) {
        throw new CoderException("Cannot decode confusion counts of version " + version);
      }
      Confusion acc = new Confusion();
      acc.logLoss = data.readDouble();
      int cells = data.readInt();
      for (int i = 0; i < cells; i++) {
        acc.add(data.readUTF(), data.readUTF(), data.readLong());
      }
      return acc;
    }
  }
}
