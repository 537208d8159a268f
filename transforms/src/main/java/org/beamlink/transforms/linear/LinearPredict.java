package org.beamlink.transforms.linear;

import com.google.auto.value.AutoValue;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelCoder;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Scores rows with the one {@link LinearModel} in a PCollection, on bounded or unbounded input: a
 * classifier appends {@code prediction} (a label, of the label column's type) and {@code
 * predictionDetail} (a vector: class probabilities in the model's label order, or an SVM's decision
 * values {@code {-m, m}}), and with {@link #withProbabilityCol} the positive class's probability (a
 * binary logistic model's); a regression model appends {@code prediction} (DOUBLE).
 *
 * <pre>{@code
 * PCollection<Row> scored = rows.apply(LogisticRegression.predict(model));
 * PCollection<Row> tuned = rows.apply(LogisticRegression.predict(model).withPredictionCol("p"));
 * PCollection<Row> withP = rows.apply(LogisticRegression.predict(model).withProbabilityCol("p1"));
 * }</pre>
 */
@AutoValue
public abstract class LinearPredict extends PTransform<PCollection<Row>, PCollection<Row>> {
  abstract PCollection<LinearModel> model();

  abstract String predictionCol();

  abstract String predictionDetailCol();

  abstract @Nullable String probabilityCol();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setModel(PCollection<LinearModel> model);

    abstract Builder setPredictionCol(String col);

    abstract Builder setPredictionDetailCol(String col);

    abstract Builder setProbabilityCol(@Nullable String col);

    abstract LinearPredict build();
  }

  /**
   * Scores with the model in {@code model}, into columns {@code prediction} and {@code
   * predictionDetail}.
   */
  public static LinearPredict of(PCollection<LinearModel> model) {
    return new AutoValue_LinearPredict.Builder()
        .setModel(model)
        .setPredictionCol("prediction")
        .setPredictionDetailCol("predictionDetail")
        .build();
  }

  /** Name of the prediction column; default "prediction". */
  public LinearPredict withPredictionCol(String col) {
    return toBuilder().setPredictionCol(col).build();
  }

  /** Name of a classifier's detail column; default "predictionDetail". */
  public LinearPredict withPredictionDetailCol(String col) {
    return toBuilder().setPredictionDetailCol(col).build();
  }

  /**
   * Also appends {@code col}: a DOUBLE column with the probability of the positive class (the
   * model's second label), {@code predictionDetail[1]}; default none. Scoring fails for a model
   * that is not a binary logistic one.
   */
  public LinearPredict withProbabilityCol(String col) {
    if (col == null || col.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name for probabilityCol, got " + col);
    }
    return toBuilder().setProbabilityCol(col).build();
  }

  /**
   * The same scoring, with rows that cannot be scored (null, NaN or infinite features, a vector of
   * the wrong size) kept in {@code failures()} beside the error instead of failing the job.
   */
  public ApplyModel.KeepingFailures<LinearModel> withFailures() {
    return applyModel().withFailures();
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    return input.apply("Score", applyModel());
  }

  private ApplyModel<LinearModel> applyModel() {
    TypeName labelType = LinearModelCoder.labelTypeOf(model());
    String prediction = predictionCol();
    String detail = predictionDetailCol();
    String probability = probabilityCol();
    if (labelType == null && probability != null) {
      throw new IllegalArgumentException(
          "probabilityCol is for binary logistic regression; the model is a regression model");
    }
    OutputColumns cols =
        probability == null
            ? OutputColumns.of(prediction, detail)
            : OutputColumns.of(prediction, detail, probability);
    return ApplyModel.of(
        model(),
        in -> LinearModel.outputSchema(in, labelType, cols),
        m -> m.withOutputCols(prediction, detail).withProbabilityCol(probability));
  }
}
