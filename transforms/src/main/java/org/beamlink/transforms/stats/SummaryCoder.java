package org.beamlink.transforms.stats;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/**
 * A deterministic coder for {@link Summary}: a version byte, the row count, then each column's name
 * and statistics.
 *
 * <pre>{@code
 * PCollection<Summary> summary = ...;
 * summary.setCoder(SummaryCoder.of());
 * }</pre>
 */
public final class SummaryCoder extends AtomicCoder<Summary> {
  private static final int VERSION = 1;
  private static final SummaryCoder INSTANCE = new SummaryCoder();

  private SummaryCoder() {}

  /** The coder. */
  public static SummaryCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Summary value, OutputStream out) throws IOException {
    out.write(VERSION);
    VarInt.encode(value.rows(), out);
    VarInt.encode(value.columns().size(), out);
    DataOutputStream data = new DataOutputStream(out);
    for (ColumnSummary c : value.columns()) {
      StringUtf8Coder.of().encode(c.column(), out);
      VarInt.encode(c.count(), out);
      VarInt.encode(c.missing(), out);
      VarInt.encode(c.numNonzeros(), out);
      data.writeDouble(c.mean());
      data.writeDouble(c.variance());
      data.writeDouble(c.min());
      data.writeDouble(c.max());
      data.writeDouble(c.sum());
      data.writeDouble(c.normL1());
      data.writeDouble(c.normL2());
      data.flush();
    }
  }

  @Override
  public Summary decode(InputStream in) throws IOException {
    int version = in.read();
    if (version != VERSION) {
      throw new CoderException(
          "Cannot decode a Summary of version "
              + version
              + "; this coder reads version "
              + VERSION);
    }
    long rows = VarInt.decodeLong(in);
    int n = VarInt.decodeInt(in);
    DataInputStream data = new DataInputStream(in);
    List<ColumnSummary> columns = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = StringUtf8Coder.of().decode(in);
      long count = VarInt.decodeLong(in);
      long missing = VarInt.decodeLong(in);
      long nonzeros = VarInt.decodeLong(in);
      columns.add(
          new ColumnSummary(
              name,
              count,
              missing,
              data.readDouble(),
              data.readDouble(),
              data.readDouble(),
              data.readDouble(),
              data.readDouble(),
              data.readDouble(),
              data.readDouble(),
              nonzeros));
    }
    return new Summary(rows, columns);
  }

  @Override
  public void verifyDeterministic() {}
}
