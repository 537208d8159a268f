package org.beamlink.models.linalg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;

/**
 * A deterministic coder for {@code double[]} that moves the values in bulk. Beam has none.
 *
 * <pre>{@code
 * PCollection<double[]> sums = ...;
 * sums.setCoder(DoubleArrayCoder.of());
 * }</pre>
 */
public final class DoubleArrayCoder extends AtomicCoder<double[]> {
  private static final DoubleArrayCoder INSTANCE = new DoubleArrayCoder();

  private DoubleArrayCoder() {}

  /** The coder. */
  public static DoubleArrayCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(double[] value, OutputStream out) throws IOException {
    ArrayEncoding.writeDoubles(value, out);
  }

  @Override
  public double[] decode(InputStream in) throws IOException {
    return ArrayEncoding.readDoubles(in);
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public Object structuralValue(double[] value) {
    return java.nio.DoubleBuffer.wrap(value.clone());
  }
}
