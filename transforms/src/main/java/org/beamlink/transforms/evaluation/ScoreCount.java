package org.beamlink.transforms.evaluation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;

/**
 * The rows of one distinct score: how many are positive, how many negative, and the sum of their
 * log-loss terms (NaN when a score is not a probability).
 *
 * @param score the score
 * @param positives rows with the positive label
 * @param negatives rows with the negative label
 * @param logLoss the sum of the rows' log-loss terms
 */
record ScoreCount(double score, long positives, long negatives, double logLoss)
    implements Serializable {

  /** The counts of both, for the same score. */
  ScoreCount plus(ScoreCount other) {
    return new ScoreCount(
        score, positives + other.positives, negatives + other.negatives, logLoss + other.logLoss);
  }

  /** A deterministic coder: a version byte, then the four numbers. */
  static final class Coder extends AtomicCoder<ScoreCount> {
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ScoreCount value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeDouble(value.score);
      data.writeLong(value.positives);
      data.writeLong(value.negatives);
      data.writeDouble(value.logLoss);
      data.flush();
    }

    @Override
    public ScoreCount decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int version = data.readByte();
      if (version != VERSION) {
        throw new CoderException("Cannot decode a ScoreCount of version " + version);
      }
      return new ScoreCount(data.readDouble(), data.readLong(), data.readLong(), data.readDouble());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
