package org.beamlink.models.linear;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.RowScorer;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Scores rows with a {@link LinearModel}. A classifier appends the predicted label (of the label
 * column's type) and a detail vector: class probabilities in the model's label order for logistic
 * and softmax models, the decision values {@code {-m, m}} for an SVM (as Spark's {@code
 * rawPrediction}); for a binary logistic model, optionally, a DOUBLE column with the probability of
 * the positive class (the second label), as Spark's {@code probabilityCol} without the vector. A
 * regression model appends its prediction (DOUBLE) only.
 *
 * <pre>{@code
 * LinearScorer scorer = LinearScorer.classifier(schema, TypeName.STRING, "prediction", "detail");
 * Row out = scorer.score(model, row);
 * LinearScorer withP = LinearScorer.classifier(schema, TypeName.STRING, "prediction", "detail", "p");
 * double p = withP.score(model, row).getDouble("p");
 * }</pre>
 */
public final class LinearScorer implements RowScorer<LinearModel> {
  private static final long serialVersionUID = 1L;

  private final Schema inputSchema;
  private final Schema outputSchema;
  private final TypeName labelType;
  private final boolean probability;
  private transient volatile BoundModel cache;

  private LinearScorer(
      Schema inputSchema, Schema outputSchema, TypeName labelType, boolean probability) {
    this.inputSchema = inputSchema;
    this.outputSchema = outputSchema;
    this.labelType = labelType;
    this.probability = probability;
  }

  /** A scorer for classifiers whose labels have type {@code labelType}. */
  public static LinearScorer classifier(
      Schema inputSchema, TypeName labelType, String predictionCol, String detailCol) {
    return classifier(inputSchema, labelType, predictionCol, detailCol, null);
  }

  /**
   * A scorer for classifiers whose labels have type {@code labelType}, which also appends {@code
   * probabilityCol} (DOUBLE, the probability of the second label) when it is not null; scoring with
   * it fails for a model that is not a binary logistic one.
   */
  public static LinearScorer classifier(
      Schema inputSchema,
      TypeName labelType,
      String predictionCol,
      String detailCol,
      @Nullable String probabilityCol) {
    List<String> cols = new ArrayList<>(List.of(predictionCol, detailCol));
    if (probabilityCol != null) {
      cols.add(probabilityCol);
    }
    checkNew(inputSchema, cols);
    Schema.Builder output =
        Schema.builder()
            .addFields(inputSchema.getFields())
            .addField(predictionCol, FieldType.of(labelType))
            .addField(detailCol, VectorLogicalType.FIELD_TYPE);
    if (probabilityCol != null) {
      output.addDoubleField(probabilityCol);
    }
    return new LinearScorer(inputSchema, output.build(), labelType, probabilityCol != null);
  }

  /** A scorer for regression models. */
  public static LinearScorer regression(Schema inputSchema, String predictionCol) {
    checkNew(inputSchema, List.of(predictionCol));
    Schema output =
        Schema.builder().addFields(inputSchema.getFields()).addDoubleField(predictionCol).build();
    return new LinearScorer(inputSchema, output, null, false);
  }

  private static void checkNew(Schema inputSchema, List<String> cols) {
    for (String col : cols) {
      if (inputSchema.hasField(col)) {
        throw new IllegalArgumentException(
            "Output column '"
                + col
                + "' already exists in the input "
                + inputSchema.getFieldNames());
      }
    }
    Set<String> seen = new HashSet<>();
    for (String col : cols) {
      if (!seen.add(col)) {
        throw new IllegalArgumentException("Two output columns are both named '" + col + "'");
      }
    }
  }

  @Override
  public Schema outputSchema() {
    return outputSchema;
  }

  @Override
  public Row score(LinearModel model, Row row) {
    if (model.type().isClassifier() != (labelType != null) || model.labelType() != labelType) {
      throw new IllegalArgumentException(
          "This scorer predicts "
              + (labelType == null ? "values" : labelType + " labels")
              + " but the model is a "
              + model.type()
              + " model"
              + (model.labelType() == null ? "" : " of " + model.labelType() + " labels"));
    }
    BoundModel bound = bound(model);
    Vector x = bound.features().extract(row);
    if (x.size() != model.numFeatures()) {
      throw new IllegalArgumentException(
          "Features from "
              + model.features()
              + " have size "
              + x.size()
              + " but the model has "
              + model.numFeatures()
              + " coefficients, in row "
              + RowText.of(row));
    }
    if (labelType == null) {
      return OutputColumns.row(outputSchema, row, model.predictValue(x));
    }
    if (probability && model.type() != LinearModelType.LOGISTIC) {
      throw new IllegalArgumentException(
          "A probability column needs a binary logistic regression model; this is a "
              + model.type()
              + " model");
    }
    double[] detail = model.probabilities(x);
    int best = 0;
    for (int c = 1; c < detail.length; c++) {
      if (detail[c] > detail[best]) {
        best = c;
      }
    }
    Object label = bound.labels()[best];
    return probability
        ? OutputColumns.row(outputSchema, row, label, Vector.dense(detail), detail[1])
        : OutputColumns.row(outputSchema, row, label, Vector.dense(detail));
  }

  private BoundModel bound(LinearModel model) {
    BoundModel c = cache;
    if (c == null || c.model() != model) {
      Object[] labels = new Object[model.labelValues().size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = LabelValues.parse(model.labelValues().get(i), model.labelType());
      }
      c = new BoundModel(model, model.features().bind(inputSchema), labels);
      cache = c;
    }
    return c;
  }

  /**
   * The last model seen, its features bound to the input and its labels parsed: one value, so
   * threads share it.
   */
  private record BoundModel(LinearModel model, FeatureColumns.Bound features, Object[] labels) {}
}
