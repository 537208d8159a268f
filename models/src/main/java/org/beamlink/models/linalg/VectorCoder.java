package org.beamlink.models.linalg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * Deterministic, versioned coder for {@link Vector}: a version byte, a kind byte (dense or sparse),
 * the size, then the values (and indices) in bulk.
 *
 * <pre>{@code
 * PCollection<Vector> vectors = ...;
 * vectors.setCoder(VectorCoder.of());
 * }</pre>
 */
public final class VectorCoder extends AtomicCoder<Vector> {
  static final int VERSION = 1;
  private static final int DENSE = 0;
  private static final int SPARSE = 1;
  private static final VectorCoder INSTANCE = new VectorCoder();

  private VectorCoder() {}

  /** The coder. */
  public static VectorCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Vector value, OutputStream out) throws IOException {
    out.write(VERSION);
    if (value instanceof DenseVector d) {
      out.write(DENSE);
      ArrayEncoding.writeDoubles(d.toArray(), out);
    } else {
      SparseVector s = (SparseVector) value;
      out.write(SPARSE);
      VarInt.encode(s.size(), out);
      ArrayEncoding.writeInts(s.indices(), out);
      ArrayEncoding.writeDoubles(s.values(), out);
    }
  }

  @Override
  public Vector decode(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, "vector");
    int kind = in.read();
    if (kind == DENSE) {
      return new DenseVector(ArrayEncoding.readDoubles(in));
    }
    if (kind == SPARSE) {
      int size = VarInt.decodeInt(in);
      int[] indices = ArrayEncoding.readInts(in);
      double[] values = ArrayEncoding.readDoubles(in);
      return SparseVector.of(size, indices, values);
    }
    throw new IOException("Cannot decode vector: unknown kind " + kind);
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return false;
  }
}
