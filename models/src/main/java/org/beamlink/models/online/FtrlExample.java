package org.beamlink.models.online;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorCoder;

/**
 * One training example of a binary classifier: the features, the label as 1 (the model's second,
 * positive label) or 0, and the example's event time in epoch milliseconds. Immutable.
 *
 * <pre>{@code
 * FtrlExample e = FtrlExample.of(Vector.sparse(1 << 24, new int[] {3, 99}, new double[] {1, 1}), 1.0, 0L);
 * }</pre>
 */
public final class FtrlExample implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Vector features;
  private final double label;
  private final long eventMillis;

  private FtrlExample(Vector features, double label, long eventMillis) {
    this.features = features;
    this.label = label;
    this.eventMillis = eventMillis;
  }

  /**
   * An example.
   *
   * @throws IllegalArgumentException when {@code label} is not 0 or 1 or a feature is not finite
   */
  public static FtrlExample of(Vector features, double label, long eventMillis) {
    Objects.requireNonNull(features, "features");
    if (label != 0.0 && label != 1.0) {
      throw new IllegalArgumentException("Expected label 0 or 1, got " + label);
    }
    if (features.hasNonFinite()) {
      throw new IllegalArgumentException("Features have NaN or infinite values: " + features);
    }
    return new FtrlExample(features, label, eventMillis);
  }

  /** The features. */
  public Vector features() {
    return features;
  }

  /** 1 for the positive (second) label, else 0. */
  public double label() {
    return label;
  }

  /** The event time, epoch milliseconds. */
  public long eventMillis() {
    return eventMillis;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FtrlExample e
        && features.equals(e.features)
        && label == e.label
        && eventMillis == e.eventMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(features, label, eventMillis);
  }

  @Override
  public String toString() {
    return "FtrlExample(" + label + ", " + features + " at " + eventMillis + ")";
  }

  /**
   * The deterministic, versioned coder of {@link FtrlExample}.
   *
   * <pre>{@code
   * StateSpecs.bag(FtrlExample.Coder.of());
   * }</pre>
   */
  public static final class Coder extends CustomCoder<FtrlExample> {
    private static final long serialVersionUID = 1L;
    private static final int VERSION = 1;
    private static final Coder INSTANCE = new Coder();

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(FtrlExample value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeByte(value.label == 1.0 ? 1 : 0);
      data.writeLong(value.eventMillis);
      data.flush();
      VectorCoder.of().encode(value.features, out);
    }

    @Override
    public FtrlExample decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int version = data.readUnsignedByte();
      if (version != VERSION) {
        throw new CoderException(
            "Cannot decode an FTRL example: format version "
                + version
                + ", this library reads version "
                + VERSION);
      }
      double label = data.readUnsignedByte();
      long eventMillis = data.readLong();
      return new FtrlExample(VectorCoder.of().decode(in), label, eventMillis);
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
