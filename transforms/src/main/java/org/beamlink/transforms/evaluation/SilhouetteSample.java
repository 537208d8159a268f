package org.beamlink.transforms.evaluation;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * The seeded sample the silhouette is computed over: each point keyed by a hash of the seed, its
 * cluster and its features, and the points with the smallest keys kept, the same on every runner.
 */
final class SilhouetteSample {
  private SilhouetteSample() {}

  /** The sample key of a point: a 64-bit hash of the seed, its cluster and its features. */
  static long sampleKey(long seed, String cluster, double[] x) {
    long h = mix(seed ^ 0x9e3779b97f4a7c15L);
    h = mix(h ^ cluster.hashCode());
    h = mix(h ^ x.length);
    for (double v : x) {
      h = mix(h ^ Double.doubleToLongBits(v == 0.0 ? 0.0 : v));
    }
    return h;
  }

  /** SplitMix64's finalizer. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Each point keyed by its sample key. */
  static final class SampleKeyFn
      extends DoFn<KV<String, double[]>, KV<Long, KV<String, double[]>>> {
    private final long seed;

    SampleKeyFn(long seed) {
      this.seed = seed;
    }

    @ProcessElement
    public void process(
        @Element KV<String, double[]> point, OutputReceiver<KV<Long, KV<String, double[]>>> out) {
      out.output(KV.of(sampleKey(seed, point.getKey(), point.getValue()), point));
    }
  }

  /**
   * Orders keyed points so that {@code Top} keeps the smallest keys: by key descending, ties (equal
   * hashes) by cluster and features, so that the sample is the same on every runner.
   */
  static final class SmallestKeyFirst
      implements Comparator<KV<Long, KV<String, double[]>>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(KV<Long, KV<String, double[]>> a, KV<Long, KV<String, double[]>> b) {
      int byKey = Long.compare(b.getKey(), a.getKey());
      if (byKey != 0) {
        return byKey;
      }
      int byCluster = b.getValue().getKey().compareTo(a.getValue().getKey());
      if (byCluster != 0) {
        return byCluster;
      }
      return Arrays.compare(b.getValue().getValue(), a.getValue().getValue());
    }
  }
}
