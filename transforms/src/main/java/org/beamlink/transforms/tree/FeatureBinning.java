package org.beamlink.transforms.tree;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.SeededHash;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DoubleArrayCoder;

/**
 * Finds the bins of every feature ({@link FeatureBins}, encoded) from the training blocks. The
 * values come from a sample of at most {@code max(maxBins^2, 10000)} rows (Spark's sample size for
 * split candidates): the rows with the smallest hashes of their content, so the sample, and the
 * bins, do not depend on how the data is partitioned or merged; with fewer rows every row is used.
 * Each feature's sample is combined on its own (a feature index as the key, ties between equal
 * hashes broken by the value), so no record holds more than one feature's sample: one record of
 * every feature's sample (26 MB for 50 features and 255 bins) exceeded the sort buffer of a Flink
 * batch job with a hundred supersteps. A feature with at most {@code maxBins} distinct values in
 * the sample gets one bin per value; another gets {@code maxBins} bins at the sample's quantiles
 * (edges midway between adjacent distinct values, fewer bins where quantiles coincide). An empty
 * input gives no features.
 *
 * <pre>{@code
 * PCollection<double[]> bins = blocks.apply("Bins", new FeatureBinning(255));
 * FeatureBins decoded = FeatureBins.decode(binsOnAWorker);
 * }</pre>
 */
final class FeatureBinning extends PTransform<PCollection<Block>, PCollection<double[]>> {
  private static final long serialVersionUID = 1L;

  private final int maxBins;
  private final int sampleSize;

  FeatureBinning(int maxBins) {
    this.maxBins = maxBins;
    this.sampleSize = Math.max(maxBins * maxBins, 10_000);
  }

  @Override
  public PCollection<double[]> expand(PCollection<Block> blocks) {
    return blocks
        .apply("Column samples", ParDo.of(new ColumnSamples(sampleSize)))
        .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(Sample.class)))
        .apply("Sample each feature", Combine.perKey(new SampleFn(sampleSize)))
        .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(Sample.class)))
        .apply("Bins of every feature", Combine.globally(new BinsFn(maxBins)))
        .setCoder(DoubleArrayCoder.of());
  }

  /** The content hash of a row: what orders the rows for the sample. */
  static long rowHash(double[] row) {
    long h = 0x9E3779B97F4A7C15L;
    for (double x : row) {
      h = SeededHash.mix(h ^ Double.doubleToLongBits(x));
    }
    return h;
  }

  /** One feature's values with their rows' hashes; compacted to the smallest. */
  static final class Sample implements Serializable {
    private static final long serialVersionUID = 1L;

    int n;
    long[] hashes = new long[16];
    double[] values = new double[16];

    void add(long hash, double value) {
      if (n == hashes.length) {
        hashes = Arrays.copyOf(hashes, 2 * n);
        values = Arrays.copyOf(values, 2 * n);
      }
      hashes[n] = hash;
      values[n] = value;
      n++;
    }

    /**
     * Keeps the {@code k} values first in (hash, value) order (as a multiset: the bins sort the
     * values anyway). The {@code k}-th smallest hash {@code t} is found by sorting a copy of the
     * hashes (primitive longs); every value of a smaller hash is kept, and of the values whose hash
     * is {@code t}, the smallest as many as are still wanted.
     */
    void keepSmallest(int k) {
      if (n <= k) {
        return;
      }
      long[] sorted = Arrays.copyOf(hashes, n);
      Arrays.sort(sorted);
      long t = sorted[k - 1];
      long[] h = new long[Math.max(16, k)];
      double[] v = new double[Math.max(16, k)];
      int kept = 0;
      int ties = 0;
      for (int i = 0; i < n; i++) {
        if (hashes[i] < t) {
          h[kept] = hashes[i];
          v[kept++] = values[i];
        } else if (hashes[i] == t) {
          ties++;
        }
      }
      double[] tied = new double[ties];
      int m = 0;
      for (int i = 0; i < n; i++) {
        if (hashes[i] == t) {
          tied[m++] = values[i];
        }
      }
      Arrays.sort(tied);
      for (int i = 0; kept < k; i++) {
        h[kept] = t;
        v[kept++] = tied[i];
      }
      hashes = h;
      values = v;
      n = kept;
    }
  }

  /**
   * A bundle's blocks as one sample per feature, keyed by the feature's index, each already cut to
   * the {@code sampleSize} values of smallest (hash, value): the sample of every bundle, not every
   * value, crosses the shuffle.
   */
  static final class ColumnSamples extends DoFn<Block, KV<Integer, Sample>> {
    private static final long serialVersionUID = 1L;
    private final int sampleSize;
    private transient Sample[] columns;

    ColumnSamples(int sampleSize) {
      this.sampleSize = sampleSize;
    }

    @StartBundle
    public void startBundle() {
      columns = new Sample[0];
    }

    @ProcessElement
    public void process(@Element Block b) {
      int d = b.numCols();
      if (columns.length < d) {
        int had = columns.length;
        columns = Arrays.copyOf(columns, d);
        for (int j = had; j < d; j++) {
          columns[j] = new Sample();
        }
      }
      for (int i = 0; i < b.numRows(); i++) {
        double[] row = b.row(i).toArray();
        long h = rowHash(row);
        for (int j = 0; j < d; j++) {
          columns[j].add(h, row[j]);
        }
      }
      for (Sample column : columns) {
        if (column.n >= 2 * sampleSize) {
          column.keepSmallest(sampleSize);
        }
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext out) {
      for (int j = 0; j < columns.length; j++) {
        columns[j].keepSmallest(sampleSize);
        out.output(
            KV.of(j, columns[j]), GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
      }
      columns = null;
    }
  }

  /** One feature's sample: the values of the {@code sampleSize} rows of smallest hash. */
  static final class SampleFn extends Combine.CombineFn<Sample, Sample, Sample> {
    private static final long serialVersionUID = 1L;
    private final int sampleSize;

    SampleFn(int sampleSize) {
      this.sampleSize = sampleSize;
    }

    @Override
    public Sample createAccumulator() {
      return new Sample();
    }

    @Override
    public Sample addInput(Sample acc, Sample in) {
      for (int i = 0; i < in.n; i++) {
        acc.add(in.hashes[i], in.values[i]);
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
        addInput(merged, s);
      }
      return merged;
    }

    @Override
    public Sample extractOutput(Sample acc) {
      acc.keepSmallest(sampleSize);
      return acc;
    }
  }

  /** Every feature's bins from its sample, encoded as {@link FeatureBins}. */
  static final class BinsFn
      extends Combine.CombineFn<KV<Integer, Sample>, List<double[][]>, double[]> {
    private static final long serialVersionUID = 1L;
    private final int maxBins;

    BinsFn(int maxBins) {
      this.maxBins = maxBins;
    }

    /** Per feature {index}, its edges and its values (empty when quantile bins). */
    @Override
    public List<double[][]> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<double[][]> addInput(List<double[][]> acc, KV<Integer, Sample> feature) {
      acc.add(binsOf(feature.getKey(), feature.getValue()));
      return acc;
    }

    @Override
    public List<double[][]> mergeAccumulators(Iterable<List<double[][]>> accumulators) {
      List<double[][]> merged = new ArrayList<>();
      for (List<double[][]> a : accumulators) {
        merged.addAll(a);
      }
      return merged;
    }

    @Override
    public double[] extractOutput(List<double[][]> acc) {
      int d = acc.size();
      double[][] edges = new double[d][];
      double[][] values = new double[d][];
      for (double[][] feature : acc) {
        int j = (int) feature[0][0];
        if (j >= d || edges[j] != null) {
          throw new IllegalStateException(
              "Feature samples of " + d + " features include feature " + j + " twice or beyond");
        }
        edges[j] = feature[1];
        values[j] = feature[2].length == 0 ? null : feature[2];
      }
      return new FeatureBins(edges, values).encode();
    }

    private double[][] binsOf(int j, Sample sample) {
      int n = sample.n;
      double[] column = Arrays.copyOf(sample.values, n);
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
        double[] values = new double[m];
        double[] edges = new double[m - 1];
        for (int b = 0; b < m; b++) {
          values[b] = distinct.get(b);
          if (b > 0) {
            edges[b - 1] = (distinct.get(b - 1) + distinct.get(b)) / 2.0;
          }
        }
        return new double[][] {{j}, edges, values};
      }
      return new double[][] {{j}, quantileEdges(distinct, counts, n), new double[0]};
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
  }
}
