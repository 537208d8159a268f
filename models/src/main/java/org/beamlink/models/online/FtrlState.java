package org.beamlink.models.online;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.beamlink.models.linalg.ArrayEncoding;
import org.joda.time.Instant;

/**
 * What an FTRL trainer remembers between examples: the accumulators {@code z} and {@code n} of
 * every coordinate touched so far (sparse: an untouched coordinate keeps its initial weight and
 * costs nothing), the examples trained on, their earliest and latest event times, their summed
 * progressive log loss (each example scored before it was trained on), and the bookkeeping of an
 * online trainer: the versions it emitted, the examples at the last one, and the examples waiting
 * in its pending mini-batch. Mutable; {@link FtrlLearner} changes it. {@link Coder} writes it
 * deterministically (coordinates in increasing order), as Beam state needs.
 *
 * <pre>{@code
 * FtrlLearner learner = FtrlLearner.of(initialModel, FtrlParams.defaults());
 * FtrlState state = learner.newState();
 * learner.train(state, example);
 * state.examples(); // 1
 * }</pre>
 */
public final class FtrlState {
  private static final long NO_TIME = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();

  final FtrlAccumulators accumulators;
  long examples;
  long updates;
  long firstEventMillis;
  long lastEventMillis;
  double lossSum;
  private long versions;
  private long examplesAtLastVersion;
  private int pendingExamples;

  FtrlState() {
    this(new FtrlAccumulators(1024), 0, 0, NO_TIME, NO_TIME, 0.0, 0, 0, 0);
  }

  private FtrlState(
      FtrlAccumulators accumulators,
      long examples,
      long updates,
      long firstEventMillis,
      long lastEventMillis,
      double lossSum,
      long versions,
      long examplesAtLastVersion,
      int pendingExamples) {
    this.accumulators = accumulators;
    this.examples = examples;
    this.updates = updates;
    this.firstEventMillis = firstEventMillis;
    this.lastEventMillis = lastEventMillis;
    this.lossSum = lossSum;
    this.versions = versions;
    this.examplesAtLastVersion = examplesAtLastVersion;
    this.pendingExamples = pendingExamples;
  }

  /** Examples trained on. */
  public long examples() {
    return examples;
  }

  /** Model updates applied: one per mini-batch. */
  public long updates() {
    return updates;
  }

  /** Coordinates touched (the intercept included), i.e. with accumulators stored. */
  public int touchedCoordinates() {
    return accumulators.size();
  }

  /**
   * The event time of the earliest example trained on; {@code BoundedWindow.TIMESTAMP_MIN_VALUE}
   * before any.
   */
  public Instant firstEventTime() {
    return Instant.ofEpochMilli(firstEventMillis);
  }

  /**
   * The event time of the latest example trained on; {@code BoundedWindow.TIMESTAMP_MIN_VALUE}
   * before any.
   */
  public Instant lastEventTime() {
    return Instant.ofEpochMilli(lastEventMillis);
  }

  /**
   * The mean progressive log loss: each example's loss under the weights it was scored with before
   * its update; NaN before any example.
   */
  public double progressiveLogLoss() {
    return examples == 0 ? Double.NaN : lossSum / examples;
  }

  void recordEventTime(long millis) {
    if (examples == 0 || millis < firstEventMillis) {
      firstEventMillis = millis;
    }
    if (examples == 0 || millis > lastEventMillis) {
      lastEventMillis = millis;
    }
  }

  /** The number of the last version emitted; 0 for the initial model or before any. */
  public long versions() {
    return versions;
  }

  /** The examples trained on when the last version was emitted. */
  public long examplesAtLastVersion() {
    return examplesAtLastVersion;
  }

  /** Records that a version is emitted now; returns its number, one more than the last. */
  public long recordVersion() {
    versions++;
    examplesAtLastVersion = examples;
    return versions;
  }

  /** Examples in the trainer's pending mini-batch (kept by the trainer, not here). */
  public int pendingExamples() {
    return pendingExamples;
  }

  /** Sets the number of examples in the trainer's pending mini-batch, at least 0. */
  public void setPendingExamples(int pending) {
    if (pending < 0) {
      throw new IllegalArgumentException("Expected pending >= 0, got " + pending);
    }
    this.pendingExamples = pending;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FtrlState s)
        || examples != s.examples
        || updates != s.updates
        || firstEventMillis != s.firstEventMillis
        || lastEventMillis != s.lastEventMillis
        || Double.compare(lossSum, s.lossSum) != 0
        || versions != s.versions
        || examplesAtLastVersion != s.examplesAtLastVersion
        || pendingExamples != s.pendingExamples
        || accumulators.size() != s.accumulators.size()) {
      return false;
    }
    for (int slot : accumulators.slotsByKey()) {
      int other = s.accumulators.slot(accumulators.keyAt(slot));
      if (other < 0
          || Double.compare(accumulators.z(slot), s.accumulators.z(other)) != 0
          || Double.compare(accumulators.n(slot), s.accumulators.n(other)) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(examples) * 31 + accumulators.size();
  }

  @Override
  public String toString() {
    return "FtrlState("
        + examples
        + " examples, "
        + updates
        + " updates, "
        + accumulators.size()
        + " coordinates touched, "
        + versions
        + " versions)";
  }

  /**
   * The deterministic, versioned coder of {@link FtrlState}: counters, then the touched coordinates
   * in increasing order with their {@code z} and {@code n}.
   *
   * <pre>{@code
   * StateSpecs.value(FtrlState.Coder.of());
   * }</pre>
   */
  public static final class Coder extends CustomCoder<FtrlState> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(FtrlState value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeLong(value.examples);
      data.writeLong(value.updates);
      data.writeLong(value.firstEventMillis);
      data.writeLong(value.lastEventMillis);
      data.writeDouble(value.lossSum);
      data.writeLong(value.versions);
      data.writeLong(value.examplesAtLastVersion);
      data.writeInt(value.pendingExamples);
      data.flush();
      FtrlAccumulators acc = value.accumulators;
      int[] slots = acc.slotsByKey();
      int[] keys = new int[slots.length];
      double[] z = new double[slots.length];
      double[] n = new double[slots.length];
      for (int i = 0; i < slots.length; i++) {
        keys[i] = acc.keyAt(slots[i]);
        z[i] = acc.z(slots[i]);
        n[i] = acc.n(slots[i]);
      }
      ArrayEncoding.writeInts(keys, out);
      ArrayEncoding.writeDoubles(z, out);
      ArrayEncoding.writeDoubles(n, out);
    }

    @Override
    public FtrlState decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "FTRL state");
      DataInputStream data = new DataInputStream(in);
      long examples = data.readLong();
      long updates = data.readLong();
      long first = data.readLong();
      long last = data.readLong();
      double lossSum = data.readDouble();
      long versions = data.readLong();
      long atLastVersion = data.readLong();
      int pending = data.readInt();
      int[] keys = ArrayEncoding.readInts(in);
      double[] z = ArrayEncoding.readDoubles(in);
      double[] n = ArrayEncoding.readDoubles(in);
      if (z.length != keys.length || n.length != keys.length || pending < 0) {
        throw new CoderException(
            "Corrupt FTRL state: "
                + keys.length
                + " coordinates, "
                + z.length
                + " z, "
                + n.length
                + " n, "
                + pending
                + " pending");
      }
      FtrlAccumulators acc = new FtrlAccumulators(keys.length);
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] < 0 || (i > 0 && keys[i] <= keys[i - 1])) {
          throw new CoderException("Corrupt FTRL state: coordinate " + keys[i] + " out of order");
        }
        acc.insert(keys[i], z[i], n[i]);
      }
      return new FtrlState(
          acc, examples, updates, first, last, lossSum, versions, atLastVersion, pending);
    }

    @Override
    public List<? extends org.apache.beam.sdk.coders.Coder<?>> getCoderArguments() {
      return List.of();
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Coder;
    }

    @Override
    public int hashCode() {
      return Coder.class.hashCode();
    }
  }
}
