package org.beamlink.models.recommendation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * The deterministic, versioned coder of {@link AlsModel} (the body of format {@code als-model}):
 * version 1, the rank, the user, item and prediction columns, the cold-start strategy, the user ids
 * and factors, the item ids and factors, the provenance.
 *
 * <pre>{@code
 * PCollection<AlsModel> model = ...;
 * model.setCoder(AlsModelCoder.of());
 * }</pre>
 */
public final class AlsModelCoder extends AtomicCoder<AlsModel> {
  private static final int VERSION = 1;
  private static final AlsModelCoder INSTANCE = new AlsModelCoder();

  private AlsModelCoder() {}

  /** The coder. */
  public static AlsModelCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(AlsModel value, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeByte(VERSION);
    data.writeInt(value.rank());
    data.writeUTF(value.userCol());
    data.writeUTF(value.itemCol());
    data.writeUTF(value.predictionCol());
    data.writeUTF(value.coldStartStrategy().name());
    data.flush();
    ArrayEncoding.writeLongs(value.userIds(), out);
    ArrayEncoding.writeDoubles(value.userFactorValues(), out);
    ArrayEncoding.writeLongs(value.itemIds(), out);
    ArrayEncoding.writeDoubles(value.itemFactorValues(), out);
    value.provenance().writeTo(out);
  }

  @Override
  public AlsModel decode(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, "ALS model");
    DataInputStream data = new DataInputStream(in);
    int rank = data.readInt();
    String userCol = data.readUTF();
    String itemCol = data.readUTF();
    String predictionCol = data.readUTF();
    ColdStartStrategy coldStart;
    try {
      coldStart = ColdStartStrategy.valueOf(data.readUTF());
    } catch (IllegalArgumentException e) {
      throw new CoderException("Unknown cold-start strategy in ALS model", e);
    }
    long[] userIds = ArrayEncoding.readLongs(in);
    double[] userFactors = ArrayEncoding.readDoubles(in);
    long[] itemIds = ArrayEncoding.readLongs(in);
    double[] itemFactors = ArrayEncoding.readDoubles(in);
    return AlsModel.of(rank, userIds, userFactors, itemIds, itemFactors, Provenance.readFrom(in))
        .withUserCol(userCol)
        .withItemCol(itemCol)
        .withPredictionCol(predictionCol)
        .withColdStartStrategy(coldStart);
  }

  @Override
  public void verifyDeterministic() {}
}
