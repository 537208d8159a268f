package org.beamlink.models.linalg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * Deterministic, versioned coder for {@link Block}s: version, kind, shape, then the arrays in bulk.
 *
 * <pre>{@code
 * PCollection<Block> blocks = ...;
 * blocks.setCoder(BlockCoder.of());
 * }</pre>
 */
public final class BlockCoder extends AtomicCoder<Block> {
  private static final int VERSION = 1;
  private static final int DENSE = 0;
  private static final int SPARSE = 1;
  private static final BlockCoder INSTANCE = new BlockCoder();

  private BlockCoder() {}

  /** The coder. */
  public static BlockCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Block value, OutputStream out) throws IOException {
    out.write(VERSION);
    out.write(value instanceof DenseBlock ? DENSE : SPARSE);
    VarInt.encode(value.numRows(), out);
    VarInt.encode(value.numCols(), out);
    if (value instanceof DenseBlock d) {
      ArrayEncoding.writeDoubles(d.values(), out);
      ArrayEncoding.writeNullableDoubles(d.labelsOrNull(), out);
      ArrayEncoding.writeNullableDoubles(d.weightsOrNull(), out);
    } else {
      SparseBlock s = (SparseBlock) value;
      ArrayEncoding.writeInts(s.rowStarts(), out);
      ArrayEncoding.writeInts(s.colIndices(), out);
      ArrayEncoding.writeDoubles(s.values(), out);
      ArrayEncoding.writeNullableDoubles(s.labelsOrNull(), out);
      ArrayEncoding.writeNullableDoubles(s.weightsOrNull(), out);
    }
  }

  @Override
  public Block decode(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, "block");
    int kind = in.read();
    int rows = VarInt.decodeInt(in);
    int cols = VarInt.decodeInt(in);
    if (kind == DENSE) {
      double[] values = ArrayEncoding.readDoubles(in);
      double[] labels = ArrayEncoding.readNullableDoubles(in);
      double[] weights = ArrayEncoding.readNullableDoubles(in);
      return DenseBlock.of(rows, cols, values, labels, weights);
    }
    if (kind == SPARSE) {
      int[] starts = ArrayEncoding.readInts(in);
      int[] indices = ArrayEncoding.readInts(in);
      double[] values = ArrayEncoding.readDoubles(in);
      double[] labels = ArrayEncoding.readNullableDoubles(in);
      double[] weights = ArrayEncoding.readNullableDoubles(in);
      return SparseBlock.of(rows, cols, starts, indices, values, labels, weights);
    }
    throw new IOException("Cannot decode block: unknown kind " + kind);
  }

  @Override
  public void verifyDeterministic() {}
}
