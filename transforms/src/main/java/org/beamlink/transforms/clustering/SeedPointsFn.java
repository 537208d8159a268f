package org.beamlink.transforms.clustering;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Block;

/**
 * The {@code k} distinct points of smallest priority, where a point's priority is a hash of its
 * values and the seed: a uniform random sample of distinct points that does not depend on how the
 * data is split or ordered. Also checks that every point has the same size. The output is the
 * dimension followed by the points' values row-major, in priority order (fewer than {@code k}
 * points when the data has fewer distinct ones; just {@code 0} for empty input).
 */
final class SeedPointsFn extends Combine.CombineFn<Block, SeedPointsFn.Accumulator, double[]> {
  private final int k;
  private final long seed;

  SeedPointsFn(int k, long seed) {
    this.k = k;
    this.seed = seed;
  }

  /** The smallest-priority points seen so far, keyed by priority (equal points collide). */
  static final class Accumulator {
    int dimension = -1;
    final TreeMap<Long, double[]> points = new TreeMap<>();

    void add(long priority, double[] point, int k) {
      if (points.size() < k || priority < points.lastKey()) {
        points.put(priority, point);
        if (points.size() > k) {
          points.pollLastEntry();
        }
      }
    }

    void checkDimension(int d) {
      if (dimension >= 0 && dimension != d) {
        throw new IllegalArgumentException(
            "Features have size "
                + dimension
                + " in some rows and "
                + d
                + " in others; expected one size");
      }
      dimension = d;
    }
  }

  @Override
  public Accumulator createAccumulator() {
    return new Accumulator();
  }

  @Override
  public Accumulator addInput(Accumulator acc, Block block) {
    int d = block.numCols();
    acc.checkDimension(d);
    for (int i = 0; i < block.numRows(); i++) {
      double[] row = block.row(i).toArray();
      acc.add(PointHash.of(seed, 0, row, 0, d), row, k);
    }
    return acc;
  }

  @Override
  public Accumulator mergeAccumulators(Iterable<Accumulator> accumulators) {
    Accumulator merged = new Accumulator();
    for (Accumulator acc : accumulators) {
      if (acc.dimension >= 0) {
        merged.checkDimension(acc.dimension);
      }
      for (Map.Entry<Long, double[]> e : acc.points.entrySet()) {
        merged.add(e.getKey(), e.getValue(), k);
      }
    }
    return merged;
  }

  @Override
  public double[] extractOutput(Accumulator acc) {
    int d = Math.max(acc.dimension, 0);
    double[] out = new double[1 + acc.points.size() * d];
    out[0] = d;
    int i = 0;
    for (double[] p : acc.points.values()) {
      System.arraycopy(p, 0, out, 1 + i * d, d);
      i++;
    }
    return out;
  }

  @Override
  public Coder<Accumulator> getAccumulatorCoder(CoderRegistry registry, Coder<Block> inputCoder) {
    return new AccumulatorCoder();
  }

  static final class AccumulatorCoder extends AtomicCoder<Accumulator> {
    @Override
    public void encode(Accumulator value, OutputStream out) throws IOException {
      java.io.DataOutputStream data = new java.io.DataOutputStream(out);
      data.writeInt(value.dimension);
      data.writeInt(value.points.size());
      for (Map.Entry<Long, double[]> e : value.points.entrySet()) {
        data.writeLong(e.getKey());
        data.flush();
        ArrayEncoding.writeDoubles(e.getValue(), out);
      }
      data.flush();
    }

    @Override
    public Accumulator decode(InputStream in) throws IOException {
      java.io.DataInputStream data = new java.io.DataInputStream(in);
      Accumulator acc = new Accumulator();
      acc.dimension = data.readInt();
      int n = data.readInt();
      for (int i = 0; i < n; i++) {
        long key = data.readLong();
        acc.points.put(key, ArrayEncoding.readDoubles(in));
      }
      return acc;
    }
  }
}
