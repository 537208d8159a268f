package org.beamlink.models.linear;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.rows.FeatureColumnsCoding;
import org.beamlink.models.rows.OutputColumns;

/**
 * Deterministic, versioned coder for {@link LinearModel}s without output columns (the body of
 * format {@code linear-model}). The coder also records, when the pipeline is built, the label type
 * the models in its PCollection predict (null for regression), so that prediction knows its output
 * schema before any model exists. {@link #withOutputCols()} codes models with output columns
 * (format {@code linear-model-stage}).
 *
 * <pre>{@code
 * models.setCoder(LinearModelCoder.of(TypeName.STRING));
 * TypeName predicted = LinearModelCoder.labelTypeOf(models); // STRING
 * LinearModelCoder.withOutputCols().encode(model.withOutputCols("label", "detail"), out);
 * }</pre>
 */
public final class LinearModelCoder extends CustomCoder<LinearModel> {
  private static final int VERSION = 1;
  private static final long serialVersionUID = 1L;

  private final TypeName labelType;

  private LinearModelCoder(TypeName labelType) {
    this.labelType = labelType;
  }

  /** A coder for classifiers of labels of {@code labelType}, or for regression models when null. */
  public static LinearModelCoder of(TypeName labelType) {
    return new LinearModelCoder(labelType);
  }

  /**
   * The coder of models with output columns ({@link LinearModel#withOutputCols}): version 1, the
   * prediction and detail column names, then the model as {@link #of} writes it; a model with a
   * probability column is written as version 2, which adds its name after the other two, so a model
   * without one keeps the bytes of version 1.
   */
  public static CustomCoder<LinearModel> withOutputCols() {
    return new WithOutputCols();
  }

  /**
   * The label type recorded in the coder of {@code models}, null for regression models.
   *
   * @throws IllegalArgumentException when the coder is not a {@code LinearModelCoder}
   */
  public static TypeName labelTypeOf(PCollection<LinearModel> models) {
    if (models.getCoder() instanceof LinearModelCoder c) {
      return c.labelType;
    }
    throw new IllegalArgumentException(
        "Cannot tell what "
            + models
            + " predicts: set its coder to LinearModelCoder.of(labelType), as fit() does");
  }

  /**
   * Encodes {@code value}, a model without output columns.
   *
   * @throws CoderException for a model with output columns, which this coder would lose
   */
  @Override
  public void encode(LinearModel value, OutputStream out) throws IOException {
    if (value.hasOutputCols()) {
      throw new CoderException(
          "LinearModelCoder.of(..) codes models without output columns; this one has "
              + value.outputCols()
              + ": code it with LinearModelCoder.withOutputCols() or a TransformerCoder");
    }
    DataOutputStream data = new DataOutputStream(out);
    data.writeByte(VERSION);
    data.writeUTF(value.type().name());
    data.writeInt(value.numFeatures());
    data.writeUTF(value.labelType() == null ? "" : value.labelType().name());
    data.writeInt(value.labelValues().size());
    for (String label : value.labelValues()) {
      data.writeUTF(label);
    }
    data.flush();
    ArrayEncoding.writeDoubles(value.coefficients(), out);
    ArrayEncoding.writeDoubles(value.intercepts(), out);
    FeatureColumnsCoding.write(value.features(), out);
    value.provenance().writeTo(out);
  }

  @Override
  public LinearModel decode(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, "linear model");
    DataInputStream data = new DataInputStream(in);
    LinearModelType type;
    TypeName labels;
    int numFeatures;
    try {
      type = LinearModelType.valueOf(data.readUTF());
      numFeatures = data.readInt();
      String labelName = data.readUTF();
      labels = labelName.isEmpty() ? null : TypeName.valueOf(labelName);
    } catch (IllegalArgumentException e) {
      throw new CoderException("Unknown model or label type in linear model", e);
    }
    int numLabels = data.readInt();
    if (numFeatures < 0 || numLabels < 0) {
      throw new CoderException(
          "Corrupt linear model: " + numFeatures + " features, " + numLabels + " labels");
    }
    List<String> labelValues = new ArrayList<>(numLabels);
    for (int i = 0; i < numLabels; i++) {
      labelValues.add(data.readUTF());
    }
    double[] coefficients = ArrayEncoding.readDoubles(in);
    double[] intercepts = ArrayEncoding.readDoubles(in);
    try {
      return LinearModel.of(
          type,
          numFeatures,
          coefficients,
          intercepts,
          labelValues,
          labels,
          FeatureColumnsCoding.read(in),
          Provenance.readFrom(in));
    } catch (IllegalArgumentException e) {
      throw new CoderException("Corrupt linear model: " + e.getMessage(), e);
    }
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(Object o) {
    return o instanceof LinearModelCoder c && labelType == c.labelType;
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(labelType);
  }

  private static final class WithOutputCols extends CustomCoder<LinearModel> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;
    private static final int WITH_PROBABILITY = 2;

    @Override
    public void encode(LinearModel value, OutputStream out) throws IOException {
      OutputColumns cols = value.outputCols();
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(cols.size() > 2 ? WITH_PROBABILITY : VERSION);
      for (String col : cols.names()) {
        data.writeUTF(col);
      }
      data.flush();
      LinearModelCoder.of(value.labelType()).encode(value.withoutOutputCols(), out);
    }

    @Override
    public LinearModel decode(InputStream in) throws IOException {
      int version = ArrayEncoding.readVersion(in, VERSION, WITH_PROBABILITY, "linear model stage");
      DataInputStream data = new DataInputStream(in);
      String prediction = data.readUTF();
      String detail = data.readUTF();
      String probability = version == WITH_PROBABILITY ? data.readUTF() : null;
      return LinearModelCoder.of(null)
          .decode(in)
          .withOutputCols(prediction, detail)
          .withProbabilityCol(probability);
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof WithOutputCols;
    }

    @Override
    public int hashCode() {
      return WithOutputCols.class.hashCode();
    }
  }
}
