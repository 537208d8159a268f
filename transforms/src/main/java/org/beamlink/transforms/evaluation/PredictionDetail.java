package org.beamlink.transforms.evaluation;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.rows.LabelValues;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Class probabilities read from a prediction-detail column, in one of two forms:
 *
 * <ul>
 *   <li>{@code MAP<STRING, DOUBLE>} from label to probability, as Alink writes it. The keys are
 *       labels as text; they are read as the label column's type (so the key {@code "1"} matches
 *       the DOUBLE label 1.0).
 *   <li>a vector column ({@code VectorLogicalType}) of probabilities in a label order given by the
 *       user, as {@code LinearScorer} writes it in the order of the model's {@code labelValues()}.
 * </ul>
 *
 * <p>A null detail, a NaN, infinite or negative probability, or one above 1, a vector of the wrong
 * size, or a key that is not a label of the label column's type is an error naming column, value
 * and row.
 */
final class PredictionDetail implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Machine epsilon of doubles: scikit-learn's {@code log_loss(eps="auto")} clipping bound. */
  static final double EPS = Math.ulp(1.0);

  private final String column;
  private final TypeName labelType;
  private final @Nullable List<String> vectorLabels;

  private PredictionDetail(String column, TypeName labelType, @Nullable List<String> vectorLabels) {
    this.column = column;
    this.labelType = labelType;
    this.vectorLabels = vectorLabels;
  }

  /**
   * The detail column {@code column} of {@code schema}; {@code vectorLabels} (labels as text, in
   * vector order) is required for a vector column and must be null for a map column.
   *
   * @throws IllegalArgumentException for a missing column, a column of another type, or missing or
   *     superfluous labels
   */
  static PredictionDetail of(
      Schema schema, String column, TypeName labelType, @Nullable List<String> vectorLabels) {
    if (!schema.hasField(column)) {
      throw new IllegalArgumentException(
          "Prediction detail column '" + column + "' is not in the input schema " + schema);
    }
    FieldType type = schema.getField(column).getType();
    if (isVector(type)) {
      if (vectorLabels == null || vectorLabels.isEmpty()) {
        throw new IllegalArgumentException(
            "Prediction detail column '"
                + column
                + "' is a vector: give its labels in vector order with withDetailLabels(..)");
      }
      List<String> normal = new ArrayList<>();
      for (String label : vectorLabels) {
        normal.add(normalize(label, labelType, column));
      }
      return new PredictionDetail(column, labelType, List.copyOf(normal));
    }
    if (type.getTypeName() == TypeName.MAP
        && type.getMapKeyType().getTypeName() == TypeName.STRING
        && (type.getMapValueType().getTypeName() == TypeName.DOUBLE
            || type.getMapValueType().getTypeName() == TypeName.FLOAT)) {
      if (vectorLabels != null) {
        throw new IllegalArgumentException(
            "Prediction detail column '"
                + column
                + "' is a map whose keys are the labels; do not give detail labels "
                + vectorLabels);
      }
      return new PredictionDetail(column, labelType, null);
    }
    throw new IllegalArgumentException(
        "Prediction detail column '"
            + column
            + "' has type "
            + type
            + "; expected MAP<STRING, DOUBLE> (label to probability) or a vector of probabilities");
  }

  private static boolean isVector(FieldType type) {
    return type.getTypeName() == TypeName.LOGICAL_TYPE
        && type.getLogicalType()
            .getIdentifier()
            .equals(VectorLogicalType.FIELD_TYPE.getLogicalType().getIdentifier());
  }

  /**
   * The text of {@code label} read as a value of {@code type}, as {@link LabelValues} writes it.
   */
  static String normalize(String label, TypeName type, String column) {
    try {
      return String.valueOf(LabelValues.parse(label.trim(), type));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Label '" + label + "' for column '" + column + "' is not a " + type + " value", e);
    }
  }

  /** The column name. */
  String column() {
    return column;
  }

  /** The labels of a vector detail, in vector order; null for a map detail. */
  @Nullable List<String> vectorLabels() {
    return vectorLabels;
  }

  /**
   * Label (as text) to probability for {@code row}, in vector order or, for a map, in the map's
   * order.
   *
   * @throws IllegalArgumentException for a bad detail (see the class comment)
   */
  Map<String, Double> probabilities(Row row) {
    Object value = row.getValue(column);
    if (value == null) {
      throw new IllegalArgumentException(
          "Prediction detail column '" + column + "' is null in row " + row);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    if (vectorLabels != null) {
      Vector v = row.getLogicalTypeValue(column, Vector.class);
      if (v.size() != vectorLabels.size()) {
        throw new IllegalArgumentException(
            "Prediction detail column '"
                + column
                + "' has a vector of size "
                + v.size()
                + " but "
                + vectorLabels.size()
                + " labels "
                + vectorLabels
                + " were given, in row "
                + row);
      }
      for (int i = 0; i < vectorLabels.size(); i++) {
        out.put(vectorLabels.get(i), check(v.get(i), vectorLabels.get(i), row));
      }
      return out;
    }
    @SuppressWarnings("unchecked")
    Map<String, ? extends Number> map = (Map<String, ? extends Number>) value;
    for (Map.Entry<String, ? extends Number> e : map.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException(
            "Prediction detail column '" + column + "' has a null key or value in row " + row);
      }
      String label;
      try {
        label = String.valueOf(LabelValues.parse(e.getKey().trim(), labelType));
      } catch (RuntimeException ex) {
        throw new IllegalArgumentException(
            "Prediction detail column '"
                + column
                + "' has key '"
                + e.getKey()
                + "', which is not a "
                + labelType
                + " label, in row "
                + row,
            ex);
      }
      out.put(label, check(e.getValue().doubleValue(), label, row));
    }
    return out;
  }

  private double check(double p, String label, Row row) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw new IllegalArgumentException(
          "Prediction detail column '"
              + column
              + "' has probability "
              + p
              + " for label '"
              + label
              + "' in row "
              + row
              + "; expected a number in [0, 1]");
    }
    return p;
  }

  /**
   * The log loss of one row as scikit-learn's {@code log_loss} computes it: every probability
   * clipped to {@code [eps, 1 - eps]} with {@code eps} the machine epsilon, the row divided by its
   * clipped sum, then {@code -log} of the true label's share.
   */
  static double logLossTerm(Map<String, Double> probabilities, String label) {
    double sum = 0.0;
    for (double p : probabilities.values()) {
      sum += clip(p);
    }
    return -Math.log(clip(probabilities.get(label)) / sum);
  }

  /**
   * The log loss of one row given only the positive class's probability {@code p}, as
   * scikit-learn's {@code log_loss} computes it for a one-dimensional {@code y_pred}: {@code p}
   * clipped first, then {@code [1 - p, p]} divided by its sum.
   */
  static double binaryLogLossTerm(double p, boolean positive) {
    double c = clip(p);
    double q = 1.0 - c;
    return -Math.log((positive ? c : q) / (q + c));
  }

  private static double clip(double p) {
    return Math.max(EPS, Math.min(1.0 - EPS, p));
  }
}
