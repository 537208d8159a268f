package org.beamlink.models.clustering;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.rows.FeatureColumnsCoding;

/**
 * Deterministic, versioned coders for {@link KMeansModel}: {@link #of()} for models without output
 * columns (the body of format {@code kmeans-model}), {@link #withOutputCols()} for models with them
 * (format {@code kmeans-model-stage}: version 1, the cluster and distance column names, then the
 * model as {@link #of()} writes it).
 *
 * <pre>{@code
 * PCollection<KMeansModel> model = ...;
 * model.setCoder(KMeansModelCoder.of());
 * KMeansModelCoder.withOutputCols().encode(model.withOutputCols("cluster", "distance"), out);
 * }</pre>
 */
public final class KMeansModelCoder extends AtomicCoder<KMeansModel> {
  private static final int VERSION = 2;
  private static final KMeansModelCoder INSTANCE = new KMeansModelCoder();

  private KMeansModelCoder() {}

  /** The coder of models without output columns. */
  public static KMeansModelCoder of() {
    return INSTANCE;
  }

  /** The coder of models with output columns ({@link KMeansModel#withOutputCols}). */
  public static AtomicCoder<KMeansModel> withOutputCols() {
    return WithOutputCols.INSTANCE;
  }

  /**
   * Encodes {@code value}, a model without output columns.
   *
   * @throws CoderException for a model with output columns, which this coder would lose
   */
  @Override
  public void encode(KMeansModel value, OutputStream out) throws IOException {
    if (value.hasOutputCols()) {
      throw new CoderException(
          "KMeansModelCoder.of() codes models without output columns; this one has "
              + value.outputCols()
              + ": code it with KMeansModelCoder.withOutputCols() or a TransformerCoder");
    }
    DataOutputStream data = new DataOutputStream(out);
    data.writeByte(VERSION);
    data.writeInt(value.k());
    data.writeUTF(value.distanceMeasure().name());
    data.flush();
    ArrayEncoding.writeDoubles(value.centroidValues(), out);
    FeatureColumnsCoding.write(value.features(), out);
    value.provenance().writeTo(out);
  }

  @Override
  public KMeansModel decode(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, "KMeans model");
    DataInputStream data = new DataInputStream(in);
    int k = data.readInt();
    DistanceMeasure distance;
    try {
      distance = DistanceMeasure.valueOf(data.readUTF());
    } catch (IllegalArgumentException e) {
      throw new CoderException("Unknown distance measure in KMeans model", e);
    }
    double[] centroids = ArrayEncoding.readDoubles(in);
    return KMeansModel.of(
        centroids, k, distance, FeatureColumnsCoding.read(in), Provenance.readFrom(in));
  }

  @Override
  public void verifyDeterministic() {}

  private static final class WithOutputCols extends AtomicCoder<KMeansModel> {
    private static final int VERSION = 1;
    private static final WithOutputCols INSTANCE = new WithOutputCols();

    @Override
    public void encode(KMeansModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.outputCols().get(0));
      data.writeUTF(value.outputCols().get(1));
      data.flush();
      KMeansModelCoder.of().encode(value.withoutOutputCols(), out);
    }

    @Override
    public KMeansModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "KMeans model stage");
      DataInputStream data = new DataInputStream(in);
      String prediction = data.readUTF();
      String distance = data.readUTF();
      return KMeansModelCoder.of().decode(in).withOutputCols(prediction, distance);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
