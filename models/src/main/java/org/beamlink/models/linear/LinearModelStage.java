package org.beamlink.models.linear;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.pipeline.Transformer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A {@link LinearModel} as a pipeline stage: the model plus the columns its predictions go to, as
 * Spark's {@code LogisticRegressionModel} carries its {@code predictionCol}, and for a binary
 * logistic model optionally a {@code probabilityCol} (DOUBLE, the probability of the positive
 * class). Scoring is {@link LinearScorer}'s.
 *
 * <p>Format: version 1 holds the two column names and the model; a stage with a probability column
 * is written as version 2, which adds its name, so a stage without one keeps the bytes of version 1
 * and older files read as before.
 *
 * <pre>{@code
 * LinearModelStage stage = LinearModelStage.of(model, "prediction", "predictionDetail");
 * Row scored = stage.bind(schema).apply(row);
 * double p = stage.withProbabilityCol("probability").bind(schema).apply(row).getDouble("probability");
 * }</pre>
 */
public final class LinearModelStage implements Transformer {
  private static final long serialVersionUID = 1L;

  private final LinearModel model;
  private final String predictionCol;
  private final String predictionDetailCol;
  private final @Nullable String probabilityCol;

  private LinearModelStage(
      LinearModel model,
      String predictionCol,
      String predictionDetailCol,
      @Nullable String probabilityCol) {
    this.model = model;
    this.predictionCol = predictionCol;
    this.predictionDetailCol = predictionDetailCol;
    this.probabilityCol = probabilityCol;
  }

  /** The stage of {@code model}; a regression model ignores {@code predictionDetailCol}. */
  public static LinearModelStage of(
      LinearModel model, String predictionCol, String predictionDetailCol) {
    return new LinearModelStage(
        Objects.requireNonNull(model), predictionCol, predictionDetailCol, null);
  }

  /**
   * The same stage, also appending {@code probabilityCol}: a DOUBLE column with the probability of
   * the positive class (the model's second label), {@code predictionDetail[1]}; null for none.
   *
   * @throws IllegalArgumentException when the model is not a binary logistic regression model
   */
  public LinearModelStage withProbabilityCol(@Nullable String probabilityCol) {
    if (probabilityCol != null && model.type() != LinearModelType.LOGISTIC) {
      throw new IllegalArgumentException(
          "A probability column needs a binary logistic regression model; this is a "
              + model.type()
              + " model");
    }
    return new LinearModelStage(model, predictionCol, predictionDetailCol, probabilityCol);
  }

  /** The model. */
  public LinearModel model() {
    return model;
  }

  /** The column of the positive class's probability, or null when the stage appends none. */
  public @Nullable String probabilityCol() {
    return probabilityCol;
  }

  @Override
  public Schema outputSchema(Schema input) {
    return scorer(input).outputSchema();
  }

  private LinearScorer scorer(Schema input) {
    return model.type().isClassifier()
        ? LinearScorer.classifier(
            input, model.labelType(), predictionCol, predictionDetailCol, probabilityCol)
        : LinearScorer.regression(input, predictionCol);
  }

  @Override
  public Bound bind(Schema input) {
    LinearScorer scorer = scorer(input);
    model.features().bind(input);
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return scorer.outputSchema();
      }

      @Override
      public Row apply(Row row) {
        return scorer.score(model, row);
      }
    };
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("type", model.type().name());
    p.put("features", model.features().toString());
    p.put("numFeatures", Integer.toString(model.numFeatures()));
    p.put("labels", model.labelValues().toString());
    p.put("predictionCol", predictionCol);
    p.put("predictionDetailCol", predictionDetailCol);
    if (probabilityCol != null) {
      p.put("probabilityCol", probabilityCol);
    }
    p.put("provenance", model.provenance().toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinearModelStage s
        && model.equals(s.model)
        && predictionCol.equals(s.predictionCol)
        && predictionDetailCol.equals(s.predictionDetailCol)
        && Objects.equals(probabilityCol, s.probabilityCol);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, predictionCol, predictionDetailCol, probabilityCol);
  }

  @Override
  public String toString() {
    return "LinearModelStage("
        + predictionCol
        + ", "
        + predictionDetailCol
        + (probabilityCol == null ? "" : ", " + probabilityCol)
        + ") of "
        + model;
  }

  /**
   * Deterministic, versioned coder for {@link LinearModelStage}.
   *
   * <pre>{@code
   * LinearModelStage.Coder.of().encode(stage, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<LinearModelStage> {
    /** Version 1: no probability column; version 2: with one. */
    private static final int VERSION = 1;

    private static final int WITH_PROBABILITY = 2;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(LinearModelStage value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(value.probabilityCol == null ? VERSION : WITH_PROBABILITY);
      data.writeUTF(value.predictionCol);
      data.writeUTF(value.predictionDetailCol);
      if (value.probabilityCol != null) {
        data.writeUTF(value.probabilityCol);
      }
      data.flush();
      LinearModelCoder.of(value.model.labelType()).encode(value.model, out);
    }

    @Override
    public LinearModelStage decode(InputStream in) throws IOException {
      int version = ArrayEncoding.readVersion(in, VERSION, WITH_PROBABILITY, "linear model stage");
      DataInputStream data = new DataInputStream(in);
      String prediction = data.readUTF();
      String detail = data.readUTF();
      String probability = version == WITH_PROBABILITY ? data.readUTF() : null;
      return new LinearModelStage(
          LinearModelCoder.of(null).decode(in), prediction, detail, probability);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
