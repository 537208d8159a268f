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
  private transient volatile BoundFeatures cache;

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

  /**
   * Checks that {@code model}'s feature columns are in the input schema.
   *
   * @throws IllegalArgumentException naming a missing column or one of the wrong type
   */
  public void checkFeatures(LinearModel model) {
    features(model);
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
    Vector x = features(model).extract(row);
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
    Row.Builder out = Row.withSchema(outputSchema).addValues(row.getValues());
    if (labelType == null) {
      return out.addValue(model.predictValue(x)).build();
    }
    double[] detail = model.probabilities(x);
    int best = 0;
    for (int c = 1; c < detail.length; c++) {
      if (detail[c] > detail[best]) {
        best = c;
      }
    }
    return out.addValues(
            LabelValues.parse(model.labelValues().get(best), labelType), Vector.dense(detail))
        .build();
  }

  private FeatureColumns.Bound features(LinearModel model) {
    BoundFeatures c = cache;
    if (c == null || c.columns() != model.features()) {
      c = new BoundFeatures(model.features(), model.features().bind(inputSchema));
      cache = c;
    }
    return c.bound();
  }

  /** The features of the last model seen, bound to the input: one value, so threads share it. */
  private record BoundFeatures(FeatureColumns columns, FeatureColumns.Bound bound) {}
}
