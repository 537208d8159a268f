package org.beamlink.models.clustering;

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
 * A {@link KMeansModel} as a pipeline stage: the model plus the columns the cluster and the
 * distance go to. Scoring is {@link KMeansScorer}'s.
 *
 * <pre>{@code
 * KMeansModelStage stage = KMeansModelStage.of(model, "prediction", "distance");
 * Row clustered = stage.bind(schema).apply(row);
 * }</pre>
 */
public final class KMeansModelStage implements Transformer {
  private static final long serialVersionUID = 1L;

  private final KMeansModel model;
  private final String predictionCol;
  private final String distanceCol;

  private KMeansModelStage(KMeansModel model, String predictionCol, String distanceCol) {
    this.model = model;
    this.predictionCol = predictionCol;
    this.distanceCol = distanceCol;
  }

  /** The stage of {@code model}. */
  public static KMeansModelStage of(KMeansModel model, String predictionCol, String distanceCol) {
    return new KMeansModelStage(Objects.requireNonNull(model), predictionCol, distanceCol);
  }

  /** The model. */
  public KMeansModel model() {
    return model;
  }

  @Override
  public Schema outputSchema(Schema input) {
    return KMeansScorer.of(input, predictionCol, distanceCol).outputSchema();
  }

  @Override
  public Bound bind(Schema input) {
    KMeansScorer scorer = KMeansScorer.of(input, predictionCol, distanceCol);
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
    p.put("k", Integer.toString(model.k()));
    p.put("distance", model.distanceMeasure().name());
    p.put("features", model.features().toString());
    p.put("predictionCol", predictionCol);
    p.put("distanceCol", distanceCol);
    p.put("provenance", model.provenance().toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KMeansModelStage s
        && model.equals(s.model)
        && predictionCol.equals(s.predictionCol)
        && distanceCol.equals(s.distanceCol);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, predictionCol, distanceCol);
  }

  @Override
  public String toString() {
    return "KMeansModelStage(" + predictionCol + ", " + distanceCol + ") of " + model;
  }

  /**
   * Deterministic, versioned coder for {@link KMeansModelStage}.
   *
   * <pre>{@code
   * KMeansModelStage.Coder.of().encode(stage, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<KMeansModelStage> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(KMeansModelStage value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.predictionCol);
      data.writeUTF(value.distanceCol);
      data.flush();
      KMeansModelCoder.of().encode(value.model, out);
    }

    @Override
    public KMeansModelStage decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "KMeans model stage");
      DataInputStream data = new DataInputStream(in);
      String prediction = data.readUTF();
      String distance = data.readUTF();
      return new KMeansModelStage(KMeansModelCoder.of().decode(in), prediction, distance);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
