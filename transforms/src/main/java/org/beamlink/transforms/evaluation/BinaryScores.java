package org.beamlink.transforms.evaluation;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads one row of a binary evaluation: its label (positive or not), its score for the positive
 * class, and its log-loss term; from a numeric score column or a prediction detail.
 */
final class BinaryScores implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * One row read.
   *
   * @param score the positive class's score
   * @param positive whether the label is the positive label
   * @param logLoss the row's log-loss term (NaN when the score is not a probability)
   * @param label the label as text
   * @param otherLabel the detail's label that is not the positive one; null for a score column
   */
  record Scored(
      double score, boolean positive, double logLoss, String label, @Nullable String otherLabel) {}

  private final String labelCol;
  private final @Nullable String scoreCol;
  private final @Nullable PredictionDetail detail;
  private final String positiveLabel;
  private final int scoreIndex;

  private BinaryScores(
      String labelCol,
      @Nullable String scoreCol,
      @Nullable PredictionDetail detail,
      String positiveLabel,
      int scoreIndex) {
    this.labelCol = labelCol;
    this.scoreCol = scoreCol;
    this.detail = detail;
    this.positiveLabel = positiveLabel;
    this.scoreIndex = scoreIndex;
  }

  /**
   * Validates the columns against {@code schema}.
   *
   * @param positiveLabel the positive label's text, null for the default (1 in the label column's
   *     type, {@code true} for BOOLEAN)
   * @throws IllegalArgumentException naming the column for a missing or mistyped column, and for
   *     detail labels not matching the binary case
   */
  static BinaryScores of(
      Schema schema,
      String labelCol,
      @Nullable String scoreCol,
      @Nullable String detailCol,
      @Nullable List<String> detailLabels,
      @Nullable String positiveLabel) {
    TypeName labelType = labelType(schema, labelCol);
    String positive =
        positiveLabel != null
            ? PredictionDetail.normalize(positiveLabel, labelType, labelCol)
            : defaultPositive(labelType);
    if (scoreCol != null) {
      if (!schema.hasField(scoreCol)) {
        throw new IllegalArgumentException(
            "Score column '" + scoreCol + "' is not in the input schema " + schema);
      }
      if (!FeatureColumns.isNumeric(schema.getField(scoreCol).getType())) {
        throw new IllegalArgumentException(
            "Score column '"
                + scoreCol
                + "' has type "
                + schema.getField(scoreCol).getType()
                + "; expected a number");
      }
      return new BinaryScores(labelCol, scoreCol, null, positive, schema.indexOf(scoreCol));
    }
    PredictionDetail d = PredictionDetail.of(schema, detailCol, labelType, detailLabels);
    if (d.vectorLabels() != null) {
      List<String> labels = d.vectorLabels();
      if (labels.size() != 2 || !labels.contains(positive)) {
        throw new IllegalArgumentException(
            "Expected two detail labels including the positive label '"
                + positive
                + "', got "
                + labels);
      }
    }
    return new BinaryScores(labelCol, null, d, positive, -1);
  }

  /** The type of the label column, checked to hold class labels. */
  static TypeName labelType(Schema schema, String labelCol) {
    if (!schema.hasField(labelCol)) {
      throw new IllegalArgumentException(
          "Label column '" + labelCol + "' is not in the input schema " + schema);
    }
    if (!LabelValues.isLabelType(schema.getField(labelCol).getType())) {
      throw new IllegalArgumentException(
          "Label column '"
              + labelCol
              + "' has type "
              + schema.getField(labelCol).getType()
              + "; expected a string, boolean or number");
    }
    return schema.getField(labelCol).getType().getTypeName();
  }

  private static String defaultPositive(TypeName type) {
    return type == TypeName.BOOLEAN ? "true" : String.valueOf(LabelValues.parse("1", type));
  }

  /** The positive label's text. */
  String positiveLabel() {
    return positiveLabel;
  }

  /** The label column. */
  String labelCol() {
    return labelCol;
  }

  /**
   * Reads {@code row}.
   *
   * @throws IllegalArgumentException for a null label, a null, NaN or infinite score, a bad detail,
   *     or a label that is not among the detail's labels, naming column, value and row
   */
  Scored read(Row row) {
    String label = LabelValues.text(row, labelCol);
    boolean positive = label.equals(positiveLabel);
    if (scoreCol != null) {
      double score = FeatureColumns.numericValue(row, scoreIndex, scoreCol);
      double logLoss =
          score >= 0.0 && score <= 1.0
              ? PredictionDetail.binaryLogLossTerm(score, positive)
              : Double.NaN;
      return new Scored(score == 0.0 ? 0.0 : score, positive, logLoss, label, null);
    }
    Map<String, Double> probabilities = detail.probabilities(row);
    if (probabilities.size() != 2 || !probabilities.containsKey(positiveLabel)) {
      throw new IllegalArgumentException(
          "Prediction detail column '"
              + detail.column()
              + "' has labels "
              + probabilities.keySet()
              + "; expected two labels including the positive label '"
              + positiveLabel
              + "', in row "
              + row);
    }
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
    String other = null;
    for (String key : probabilities.keySet()) {
      if (!key.equals(positiveLabel)) {
        other = key;
      }
    }
    double score = probabilities.get(positiveLabel);
    return new Scored(
        score == 0.0 ? 0.0 : score,
        positive,
        PredictionDetail.logLossTerm(probabilities, label),
        label,
        other);
  }
}
