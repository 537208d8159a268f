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
 * Deterministic, versioned coder for {@link KMeansModel}.
 *
 * <pre>{@code
 * PCollection<KMeansModel> model = ...;
 * model.setCoder(KMeansModelCoder.of());
 * }</pre>
 */
public final class KMeansModelCoder extends AtomicCoder<KMeansModel> {
  private static final int VERSION = 2;
  private static final KMeansModelCoder INSTANCE = new KMeansModelCoder();

  private KMeansModelCoder() {}

  /** The coder. */
  public static KMeansModelCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(KMeansModel value, OutputStream out) throws IOException {
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
}
