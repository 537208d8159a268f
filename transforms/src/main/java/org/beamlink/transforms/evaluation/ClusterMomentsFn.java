package org.beamlink.transforms.evaluation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.KV;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.transforms.stats.ColumnSummary;
import org.beamlink.transforms.stats.Moments;
import org.beamlink.transforms.stats.MomentsCoder;

/** The first pass: per-cluster moments into {@link ClusterStats}. */
final class ClusterMomentsFn
    extends CombineFn<KV<String, double[]>, ClusterMomentsFn.Accumulator, ClusterStats> {
  private final TypeName clusterType;
  private final FeatureColumns features;

  ClusterMomentsFn(TypeName clusterType, FeatureColumns features) {
    this.clusterType = clusterType;
    this.features = features;
  }

  @Override
  public Accumulator createAccumulator() {
    return new Accumulator(Moments.ofVector(), new TreeMap<>());
  }

  @Override
  public Accumulator addInput(Accumulator acc, KV<String, double[]> point) {
    Vector x = Vector.dense(point.getValue());
    try {
      acc.all.add(x);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Features from " + features + ": " + e.getMessage() + ", in cluster " + point.getKey(),
          e);
    }
    acc.byCluster.computeIfAbsent(point.getKey(), k -> Moments.ofVector()).add(x);
    return acc;
  }

  @Override
  public Accumulator mergeAccumulators(Iterable<Accumulator> accumulators) {
    Accumulator merged = createAccumulator();
    for (Accumulator a : accumulators) {
      try {
        merged.all.merge(a.all);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Features from " + features + ": " + e.getMessage(), e);
      }
      for (Map.Entry<String, Moments> e : a.byCluster.entrySet()) {
        merged.byCluster.computeIfAbsent(e.getKey(), k -> Moments.ofVector()).merge(e.getValue());
      }
    }
    return merged;
  }

  @Override
  public ClusterStats extractOutput(Accumulator acc) {
    List<String> clusters = new ArrayList<>(acc.byCluster.keySet());
    clusters.sort(LabelValues.order(clusterType));
    int k = clusters.size();
    int d = Math.max(acc.all.size(), 0);
    long n = acc.all.rows();
    long[] sizes = new long[k];
    double[][] means = new double[k][d];
    double[] mean = new double[d];
    for (int j = 0; j < d; j++) {
      mean[j] = acc.all.summary(j, "x").mean();
    }
    double inertia = 0;
    double between = 0;
    for (int c = 0; c < k; c++) {
      Moments m = acc.byCluster.get(clusters.get(c));
      sizes[c] = m.rows();
      for (int j = 0; j < d; j++) {
        ColumnSummary s = m.summary(j, "x");
        means[c][j] = s.mean();
        if (s.count() > 1) {
          inertia += s.variance() * (s.count() - 1);
        }
        double gap = s.mean() - mean[j];
        between += sizes[c] * gap * gap;
      }
    }
    double ch = inertia == 0.0 ? 1.0 : between * (n - k) / (inertia * (k - 1.0));
    return new ClusterStats(n, List.copyOf(clusters), sizes, means, inertia, ch);
  }

  @Override
  public Coder<Accumulator> getAccumulatorCoder(
      CoderRegistry registry, Coder<KV<String, double[]>> inputCoder) {
    return new AccumulatorCoder();
  }

  /** Moments of every cluster and of all rows, by cluster text. */
  static final class Accumulator {
    final Moments all;
    final TreeMap<String, Moments> byCluster;

    Accumulator(Moments all, TreeMap<String, Moments> byCluster) {
      this.all = all;
      this.byCluster = byCluster;
    }
  }

  /** Coder of {@link Accumulator}: the moments of all rows, then each cluster's. */
  static final class AccumulatorCoder extends CustomCoder<Accumulator> {
    @Override
    public void encode(Accumulator value, OutputStream out) throws IOException {
      MomentsCoder.of().encode(value.all, out);
      VarInt.encode(value.byCluster.size(), out);
      for (Map.Entry<String, Moments> e : value.byCluster.entrySet()) {
        StringUtf8Coder.of().encode(e.getKey(), out);
        MomentsCoder.of().encode(e.getValue(), out);
      }
    }

    @Override
    public Accumulator decode(InputStream in) throws IOException {
      Moments all = MomentsCoder.of().decode(in);
      int k = VarInt.decodeInt(in);
      TreeMap<String, Moments> byCluster = new TreeMap<>();
      for (int i = 0; i < k; i++) {
        String cluster = StringUtf8Coder.of().decode(in);
        byCluster.put(cluster, MomentsCoder.of().decode(in));
      }
      return new Accumulator(all, byCluster);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
