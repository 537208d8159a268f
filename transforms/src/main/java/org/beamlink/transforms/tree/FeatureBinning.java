package org.beamlink.transforms.tree;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.beamlink.models.SeededHash;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DoubleArrayCoder;

/**
 * Finds the bins of every feature ({@link FeatureBins}, encoded) from the training blocks. The
 * values come from a sample of at most {@code max(maxBins^2, 10000)} rows (Spark's sample size for
 * split candidates): the rows with the smallest hashes of their content, so the sample, and the
 * bins, do not depend on how the data is partitioned or merged; with fewer rows every row is used.
 * A feature with at most {@code maxBins} distinct values in the sample gets one bin per value;
 * another gets {@code maxBins} bins at the sample's quantiles (edges midway between adjacent
 * distinct values, fewer bins where quantiles coincide). Blocks of different widths fail, naming
 * both widths. An empty input gives no features.
 */
final class FeatureBinning extends Combine.CombineFn<Block, FeatureBinning.Sample, double[]> {
  private static final long serialVersionUID = 1L;

  private final int maxBins;
  private final int sampleSize;

  FeatureBinning(int maxBins) {
    this.maxBins = maxBins;
    this.sampleSize = Math.max(maxBins * maxBins, 10_000);
  }

  /** Rows (row-major values) with the hashes of their content; compacted to the smallest. */
  static final class Sample implements Serializable {
    private static final long serialVersionUID = 1L;

    int d = -1;
    int n;
    long[] hashes = new long[16];
    double[] values = new double[0];

    void add(long hash, double[] row) {
      if (d < 0) {
        d = row.length;
        values = new double[16 * d];
      } else if (row.length != d) {
        throw new IllegalArgumentException(
            "Features have size " + row.length + " in some rows and " + d + " in others");
      }
      if (n == hashes.length) {
        hashes = Arrays.copyOf(hashes, 2 * n);
        values = Arrays.copyOf(values, 2 * n * d);
      }
      hashes[n] = hash;
      System.arraycopy(row, 0, values, n * d, d);
      n++;
    }

    /** Keeps the {@code k} rows first in (hash, values) order, in that order. */
    void keepSmallest(int k) {
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(
          order,
          (a, b) -> {
            int c = Long.compare(hashes[a], hashes[b]);
            return c != 0 ? c : Arrays.compare(values, a * d, a * d + d, values, b * d, b * d + d);
          });
      int kept = Math.min(k, n);
      long[] h = new long[Math.max(16, kept)];
      double[] v = new double[Math.max(16, kept) * Math.max(d, 0)];
      for (int i = 0; i < kept; i++) {
        h[i] = hashes[order[i]];
        System.arraycopy(values, order[i] * d, v, i * d, d);
      }
      hashes = h;
      values = v;
      n = kept;
    }
  }

  @Override
  public Sample createAccumulator() {
    return new Sample();
  }

  @Override
  public Sample addInput(Sample acc, Block block) {
    for (int i = 0; i < block.numRows(); i++) {
      double[] row = block.row(i).toArray();
      long h = 0x9E3779B97F4A7C15L;
      for (double x : row) {
        h = SeededHash.mix(h ^ Double.doubleToLongBits(x));
      }
      acc.add(h, row);
      if (acc.n >= 2 * sampleSize) {
        acc.keepSmallest(sampleSize);
      }
    }
    return acc;
  }

  @Override
  public Sample mergeAccumulators(Iterable<Sample> accumulators) {
    Sample merged = new Sample();
    for (Sample s : accumulators) {
      for (int i = 0; i < s.n; i++) {
        merged.add(s.hashes[i], Arrays.copyOfRange(s.values, i * s.d, (i + 1) * s.d));
      }
      if (merged.n >= 2 * sampleSize) {
        merged.keepSmallest(sampleSize);
      }
    }
    return merged;
  }

  @Override
  public double[] extractOutput(Sample acc) {
    if (acc.n == 0) {
      return new FeatureBins(new double[0][], new double[0][]).encode();
    }
    acc.keepSmallest(sampleSize);
    int d = acc.d;
    int n = acc.n;
    double[][] edges = new double[d][];
    double[][] values = new double[d][];
    double[] column = new double[n];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < n; i++) {
        column[i] = acc.values[i * d + j];
      }
      Arrays.sort(column);
      List<Double> distinct = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (i == 0 || column[i] != column[i - 1]) {
          distinct.add(column[i]);
          counts.add(0);
        }
        counts.set(counts.size() - 1, counts.get(counts.size() - 1) + 1);
      }
      int m = distinct.size();
      if (m <= maxBins) {
        values[j] = new double[m];
        edges[j] = new double[m - 1];
        for (int b = 0; b < m; b++) {
          values[j][b] = distinct.get(b);
          if (b > 0) {
            edges[j][b - 1] = (distinct.get(b - 1) + distinct.get(b)) / 2.0;
          }
        }
      } else {
        edges[j] = quantileEdges(distinct, counts, n);
      }
    }
    return new FeatureBins(edges, values).encode();
  }

  /**
   * Up to {@code maxBins - 1} edges: after each distinct value at which the running count first
   * reaches the next multiple of {@code n / maxBins}, midway to the next distinct value.
   */
  private double[] quantileEdges(List<Double> distinct, List<Integer> counts, int n) {
    List<Double> out = new ArrayList<>();
    double step = (double) n / maxBins;
    long seen = 0;
    int q = 1;
    for (int b = 0; b < distinct.size() - 1 && q < maxBins; b++) {
      seen += counts.get(b);
      if (seen >= q * step) {
        out.add((distinct.get(b) + distinct.get(b + 1)) / 2.0);
        while (q < maxBins && seen >= q * step) {
          q++;
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Override
  public Coder<Sample> getAccumulatorCoder(CoderRegistry registry, Coder<Block> inputCoder) {
    return SerializableCoder.of(Sample.class);
  }

  @Override
  public Coder<double[]> getDefaultOutputCoder(CoderRegistry registry, Coder<Block> inputCoder) {
    return DoubleArrayCoder.of();
  }
}
