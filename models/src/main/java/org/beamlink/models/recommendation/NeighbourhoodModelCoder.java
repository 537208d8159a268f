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
 * The deterministic, versioned coder of {@link NeighbourhoodModel} (the body of format {@code
 * neighbourhood-model}): version 1, the side, similarity, implicit flag, the user, item and
 * prediction columns, the interaction table and the neighbour table (each: row ids, row starts,
 * entry ids, entry values), the provenance.
 *
 * <pre>{@code
 * PCollection<NeighbourhoodModel> model = ...;
 * model.setCoder(NeighbourhoodModelCoder.of());
 * }</pre>
 */
public final class NeighbourhoodModelCoder extends AtomicCoder<NeighbourhoodModel> {
  private static final int VERSION = 1;
  private static final NeighbourhoodModelCoder INSTANCE = new NeighbourhoodModelCoder();

  private NeighbourhoodModelCoder() {}

  /** The coder. */
  public static NeighbourhoodModelCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(NeighbourhoodModel value, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeByte(VERSION);
    data.writeUTF(value.side().name());
    data.writeUTF(value.similarity());
    data.writeBoolean(value.implicit());
    data.writeUTF(value.userCol());
    data.writeUTF(value.itemCol());
    data.writeUTF(value.predictionCol());
    data.flush();
    value.interactions().writeTo(out);
    value.neighbourTable().writeTo(out);
    value.provenance().writeTo(out);
  }

  @Override
  public NeighbourhoodModel decode(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, "neighbourhood model");
    DataInputStream data = new DataInputStream(in);
    NeighbourhoodModel.Side side;
    try {
      side = NeighbourhoodModel.Side.valueOf(data.readUTF());
    } catch (IllegalArgumentException e) {
      throw new CoderException("Unknown side in neighbourhood model", e);
    }
    String similarity = data.readUTF();
    boolean implicit = data.readBoolean();
    String userCol = data.readUTF();
    String itemCol = data.readUTF();
    String predictionCol = data.readUTF();
    IdTable interactions;
    IdTable neighbours;
    try {
      interactions = IdTable.readFrom(in);
      neighbours = IdTable.readFrom(in);
    } catch (IllegalArgumentException e) {
      throw new CoderException("Malformed neighbourhood model table: " + e.getMessage(), e);
    }
    return new NeighbourhoodModel(
        side,
        similarity,
        implicit,
        interactions,
        neighbours,
        userCol,
        itemCol,
        predictionCol,
        Provenance.readFrom(in));
  }

  @Override
  public void verifyDeterministic() {}
}
