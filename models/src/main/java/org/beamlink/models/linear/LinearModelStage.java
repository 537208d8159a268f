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

/**
 * A {@link LinearModel} as a pipeline stage: the model plus the columns its predictions go to, as
 * Spark's {@code LogisticRegressionModel} carries its {@code predictionCol}. Scoring is {@link
 * LinearScorer}'s.
 *
 * <pre>{@code
 * LinearModelStage stage = LinearModelStage.of(model, "prediction", "predictionDetail");
 * Row scored = stage.bind(schema).apply(row);
 * }</pre>
 */
public final class LinearModelStage implements Transformer {
  private static final long serialVersionUID = 1L;

  private final LinearModel model;
  private final String predictionCol;
  private final String predictionDetailCol;

  private LinearModelStage(LinearModel model, String predictionCol, String predictionDetailCol) {
    this.model = model;
    this.predictionCol = predictionCol;
    this.predictionDetailCol = predictionDetailCol;
  }

  /** The stage of {@code model}; a regression model ignores {@code predictionDetailCol}. */
  public static LinearModelStage of(
      LinearModel model, String predictionCol, String predictionDetailCol) {
    return new LinearModelStage(Objects.requireNonNull(model), predictionCol, predictionDetailCol);
  }

  /** The model. */
  public LinearModel model() {
    return model;
  }

  @Override
  public Schema outputSchema(Schema input) {
    return scorer(input).outputSchema();
  }

  private LinearScorer scorer(Schema input) {
    return model.type().isClassifier()
        ? LinearScorer.classifier(input, model.labelType(), predictionCol, predictionDetailCol)
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
    p.put("provenance", model.provenance().toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinearModelStage s
        && model.equals(s.model)
        && predictionCol.equals(s.predictionCol)
        && predictionDetailCol.equals(s.predictionDetailCol);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, predictionCol, predictionDetailCol);
  }

  @Override
  public String toString() {
    return "LinearModelStage(" + predictionCol + ", " + predictionDetailCol + ") of " + model;
  }

  /**
   * Deterministic, versioned coder for {@link LinearModelStage}.
   *
   * <pre>{@code
   * LinearModelStage.Coder.of().encode(stage, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<LinearModelStage> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(LinearModelStage value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.predictionCol);
      data.writeUTF(value.predictionDetailCol);
      data.flush();
      LinearModelCoder.of(value.model.labelType()).encode(value.model, out);
    }

    @Override
    public LinearModelStage decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "linear model stage");
      DataInputStream data = new DataInputStream(in);
      String prediction = data.readUTF();
      String detail = data.readUTF();
      return new LinearModelStage(LinearModelCoder.of(null).decode(in), prediction, detail);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
