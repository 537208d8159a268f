package org.beamlink.models.linear;

import java.util.List;
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

/**
 * Scores rows with a {@link LinearModel}. A classifier appends the predicted label (of the label
 * column's type) and a detail vector: class probabilities in the model's label order for logistic
 * and softmax models, the decision values {@code {-m, m}} for an SVM (as Spark's {@code
 * rawPrediction}). A regression model appends its prediction (DOUBLE) only.
 *
 * <pre>{@code
 * LinearScorer scorer = LinearScorer.classifier(schema, TypeName.STRING, "prediction", "detail");
 * Row out = scorer.score(model, row);
 * }</pre>
 */
public final class LinearScorer implements RowScorer<LinearModel> {
  private static final long serialVersionUID = 1L;

  private final Schema inputSchema;
  private final Schema outputSchema;
  private final TypeName labelType;
  private transient volatile BoundModel cache;

  private LinearScorer(Schema inputSchema, Schema outputSchema, TypeName labelType) {
    this.inputSchema = inputSchema;
    this.outputSchema = outputSchema;
    this.labelType = labelType;
  }

  /** A scorer for classifiers whose labels have type {@code labelType}. */
  public static LinearScorer classifier(
      Schema inputSchema, TypeName labelType, String predictionCol, String detailCol) {
    checkNew(inputSchema, List.of(predictionCol, detailCol));
    Schema output =
        Schema.builder()
            .addFields(inputSchema.getFields())
            .addField(predictionCol, FieldType.of(labelType))
            .addField(detailCol, VectorLogicalType.FIELD_TYPE)
            .build();
    return new LinearScorer(inputSchema, output, labelType);
  }

  /** A scorer for regression models. */
  public static LinearScorer regression(Schema inputSchema, String predictionCol) {
    checkNew(inputSchema, List.of(predictionCol));
    Schema output =
        Schema.builder().addFields(inputSchema.getFields()).addDoubleField(predictionCol).build();
    return new LinearScorer(inputSchema, output, null);
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
    if (cols.size() == 2 && cols.get(0).equals(cols.get(1))) {
      throw new IllegalArgumentException(
          "Prediction and detail columns are both named '" + cols.get(0) + "'");
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
              + row);
    }
    if (labelType == null) {
      return OutputColumns.row(outputSchema, row, model.predictValue(x));
    }
    double[] detail = model.probabilities(x);
    int best = 0;
    for (int c = 1; c < detail.length; c++) {
      if (detail[c] > detail[best]) {
        best = c;
      }
    }
    return OutputColumns.row(outputSchema, row, bound.labels()[best], Vector.dense(detail));
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
