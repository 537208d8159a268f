package org.beamlink.transforms.evaluation;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * Evaluates rankings: per row (a query, usually a user), a ranked list of predicted items in {@code
 * predictionCol} (an array, best first, as {@code Als.recommendForAllUsers} makes once its ids are
 * taken out) against the relevant items in {@code labelCol} (an array of the same element type),
 * giving {@link RankingMetrics} (precision, recall, NDCG and mean average precision at {@code k},
 * MAP, hit rate) with Spark's {@code RankingMetrics} definitions.
 *
 * <p>One mergeable pass: the combine keeps the number of queries and the sums of each query's
 * metrics. Errors: a null array or a null item fails naming the column and the row; a missing
 * column, one that is not an array, or arrays of different element types fail when the pipeline is
 * built; empty input in the global window fails ("no rows to evaluate"). Windowing follows {@link
 * EvaluationWindowing}: one result for bounded input, one per window, or a running result with
 * {@link #cumulative}.
 *
 * <pre>{@code
 * // rows: user INT64, relevant ARRAY<INT64>, recommended ARRAY<INT64>
 * PCollection<RankingMetrics> m = rows.apply(RankingEvaluation.of("relevant", "recommended").withK(5));
 * }</pre>
 */
@AutoValue
public abstract class RankingEvaluation
    extends PTransform<PCollection<Row>, PCollection<RankingMetrics>> {
  private static final String NAME = "RankingEvaluation";

  abstract String labelCol();

  abstract String predictionCol();

  abstract int k();

  abstract @Nullable Duration cumulativeEvery();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setLabelCol(String labelCol);

    abstract Builder setPredictionCol(String predictionCol);

    abstract Builder setK(int k);

    abstract Builder setCumulativeEvery(Duration every);

    abstract RankingEvaluation build();
  }

  /**
   * Evaluates the ranked arrays of {@code predictionCol} against the relevant items of {@code
   * labelCol}, at k = 10.
   *
   * <pre>{@code
   * rows.apply(RankingEvaluation.of("relevant", "recommended"));
   * }</pre>
   */
  public static RankingEvaluation of(String labelCol, String predictionCol) {
    for (String name : new String[] {labelCol, predictionCol}) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("Expected a column name, got " + name);
      }
    }
    return new AutoValue_RankingEvaluation.Builder()
        .setLabelCol(labelCol)
        .setPredictionCol(predictionCol)
        .setK(10)
        .build();
  }

  /** The cut-off of the @k metrics, at least 1; default 10. */
  public RankingEvaluation withK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("Expected k >= 1, got " + k);
    }
    return toBuilder().setK(k).build();
  }

  /**
   * Evaluates everything seen so far in the global window, emitted {@code every} of processing time
   * and when the input ends (see {@link EvaluationWindowing}).
   */
  public RankingEvaluation cumulative(Duration every) {
    return toBuilder().setCumulativeEvery(EvaluationWindowing.checkEvery(every)).build();
  }

  @Override
  public PCollection<RankingMetrics> expand(PCollection<Row> input) {
    Schema schema = input.getSchema();
    FieldType labelItems = arrayColumn(schema, labelCol(), "Label");
    FieldType predictionItems = arrayColumn(schema, predictionCol(), "Prediction");
    if (!labelItems.equals(predictionItems)) {
      throw new IllegalArgumentException(
          "Label column '"
              + labelCol()
              + "' holds "
              + labelItems
              + " but prediction column '"
              + predictionCol()
              + "' holds "
              + predictionItems
              + "; expected arrays of one element type");
    }
    return EvaluationWindowing.combine(
        input,
        new RankingFn(
            labelCol(),
            schema.indexOf(labelCol()),
            predictionCol(),
            schema.indexOf(predictionCol()),
            k()),
        RankingMetrics.Coder.of(),
        cumulativeEvery(),
        NAME + ": no rows to evaluate");
  }

  private static FieldType arrayColumn(Schema schema, String name, String role) {
    if (!schema.hasField(name)) {
      throw new IllegalArgumentException(
          role
              + " column '"
              + name
              + "' not found; the input has columns "
              + schema.getFieldNames());
    }
    FieldType type = schema.getField(name).getType();
    if (type.getTypeName() != Schema.TypeName.ARRAY
        && type.getTypeName() != Schema.TypeName.ITERABLE) {
      throw new IllegalArgumentException(
          role + " column '" + name + "' has type " + type + "; expected an array of items");
    }
    return type.getCollectionElementType().withNullable(false);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("labelCol", labelCol()))
        .add(DisplayData.item("predictionCol", predictionCol()))
        .add(DisplayData.item("k", k()));
    if (cumulativeEvery() != null) {
      builder.add(DisplayData.item("cumulativeEvery", cumulativeEvery()));
    }
  }

  /** The combine: the number of queries, of empty ones, then the sums of each query's metrics. */
  static final class RankingFn extends MetricsCombineFn<Row, double[], RankingMetrics> {
    private final String labelCol;
    private final int label;
    private final String predictionCol;
    private final int prediction;
    private final int k;

    RankingFn(String labelCol, int label, String predictionCol, int prediction, int k) {
      this.labelCol = labelCol;
      this.label = label;
      this.predictionCol = predictionCol;
      this.prediction = prediction;
      this.k = k;
    }

    @Override
    public double[] createAccumulator() {
      return new double[2 + RankingMetrics.VALUES];
    }

    @Override
    public double[] addInput(double[] acc, Row row) {
      List<Object> relevant = items(row, label, labelCol);
      double[] v = RankingMetrics.queryValues(items(row, prediction, predictionCol), relevant, k);
      acc[0]++;
      if (relevant.isEmpty()) {
        acc[1]++;
      }
      for (int i = 0; i < v.length; i++) {
        acc[2 + i] += v[i];
      }
      return acc;
    }

    private static List<Object> items(Row row, int index, String col) {
      Collection<Object> values = row.getArray(index);
      if (values == null) {
        throw new IllegalArgumentException(
            "Column '" + col + "' is null; expected an array of items, in row " + RowText.of(row));
      }
      List<Object> items = new ArrayList<>(values);
      if (items.contains(null)) {
        throw new IllegalArgumentException(
            "Column '" + col + "' holds a null item, in row " + RowText.of(row));
      }
      return items;
    }

    @Override
    public double[] mergeAccumulators(Iterable<double[]> accumulators) {
      double[] merged = createAccumulator();
      for (double[] acc : accumulators) {
        for (int i = 0; i < merged.length; i++) {
          merged[i] += acc[i];
        }
      }
      return merged;
    }

    @Override
    public RankingMetrics extractOutput(double[] acc) {
      double[] sums = new double[RankingMetrics.VALUES];
      System.arraycopy(acc, 2, sums, 0, sums.length);
      return RankingMetrics.of(k, (long) acc[0], (long) acc[1], sums);
    }

    @Override
    public Coder<double[]> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return DoubleArrayCoder.of();
    }
  }
}
