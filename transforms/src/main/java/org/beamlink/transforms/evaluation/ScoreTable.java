package org.beamlink.transforms.evaluation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.transforms.evaluation.BinaryRanking.Totals;

/**
 * Distinct scores with their counts, and the labels seen: a window's or a sort bucket's data, in
 * memory.
 */
final class ScoreTable {
  final Map<Double, ScoreCount> counts = new HashMap<>();
  final TreeSet<String> labels = new TreeSet<>();

  void add(ScoreCount c) {
    counts.merge(c.score(), c, ScoreCount::plus);
  }

  Totals totals() {
    long positives = 0;
    long negatives = 0;
    for (ScoreCount c : counts.values()) {
      positives += c.positives();
      negatives += c.negatives();
    }
    return new Totals(positives, negatives, counts.size());
  }

  /** The accumulator coder: the labels, then the distinct scores with their counts. */
  static final class Coder extends CustomCoder<ScoreTable> {
    private static final int VERSION = 1;

    @Override
    public void encode(ScoreTable table, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeInt(table.labels.size());
      for (String label : table.labels) {
        data.writeUTF(label);
      }
      data.writeInt(table.counts.size());
      for (ScoreCount c : table.counts.values()) {
        data.writeDouble(c.score());
        data.writeLong(c.positives());
        data.writeLong(c.negatives());
        data.writeDouble(c.logLoss());
      }
      data.flush();
    }

    @Override
    public ScoreTable decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int version = data.readByte();
      if (version != VERSION) {
        throw new CoderException("Cannot decode a score table of version " + version);
      }
      ScoreTable table = new ScoreTable();
      int labels = data.readInt();
      for (int i = 0; i < labels; i++) {
        table.labels.add(data.readUTF());
      }
      int n = data.readInt();
      for (int i = 0; i < n; i++) {
        table.add(
            new ScoreCount(data.readDouble(), data.readLong(), data.readLong(), data.readDouble()));
      }
      return table;
    }
  }
}
