package org.beamlink.transforms.stats;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.VarInt;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * A deterministic coder for {@link Moments}, the accumulator of {@link Summarizer}: a version byte,
 * the row counts, the number of slots plus one (0 before the first vector), then every per-slot
 * array.
 *
 * <pre>{@code
 * Coder<List<Moments>> coder = ListCoder.of(MomentsCoder.of());
 * }</pre>
 */
public final class MomentsCoder extends AtomicCoder<Moments> {
  private static final int VERSION = 1;
  private static final MomentsCoder INSTANCE = new MomentsCoder();

  private MomentsCoder() {}

  /** The coder. */
  public static MomentsCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Moments value, OutputStream out) throws IOException {
    out.write(VERSION);
    VarInt.encode(value.present(), out);
    VarInt.encode(value.nullRows(), out);
    VarInt.encode(value.size() + 1, out);
    if (value.size() < 0) {
      return;
    }
    for (long[] counts : value.counts()) {
      for (long c : counts) {
        VarInt.encode(c, out);
      }
    }
    for (double[] sums : value.sums()) {
      ArrayEncoding.writeDoubles(sums, out);
    }
  }

  @Override
  public Moments decode(InputStream in) throws IOException {
    int version = in.read();
    if (version != VERSION) {
      throw new CoderException(
          "Cannot decode Moments of version " + version + "; this coder reads version " + VERSION);
    }
    long present = VarInt.decodeLong(in);
    long nullRows = VarInt.decodeLong(in);
    int size = VarInt.decodeInt(in) - 1;
    if (size < 0) {
      return Moments.of(present, nullRows, size, null, null);
    }
    long[][] counts = new long[3][size];
    for (long[] c : counts) {
      for (int i = 0; i < size; i++) {
        c[i] = VarInt.decodeLong(in);
      }
    }
    double[][] sums = new double[7][];
    for (int k = 0; k < sums.length; k++) {
      sums[k] = ArrayEncoding.readDoubles(in);
    }
    return Moments.of(present, nullRows, size, counts, sums);
  }

  @Override
  public void verifyDeterministic() {}
}
