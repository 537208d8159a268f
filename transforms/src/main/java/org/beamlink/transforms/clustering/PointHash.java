package org.beamlink.transforms.clustering;

/**
 * A deterministic 64-bit hash of a point's values, a seed and a round: the source of KMeans's
 * randomness, so that a seed gives the same model on every runner and partitioning.
 */
final class PointHash {
  private PointHash() {}

  static long of(long seed, int round, double[] values, int offset, int length) {
    long h = mix(seed ^ 0x9e3779b97f4a7c15L * (round + 1));
    for (int j = 0; j < length; j++) {
      h = mix(h ^ Double.doubleToLongBits(values[offset + j] + 0.0));
    }
    return h;
  }

  /** A uniform number in [0, 1) from a hash. */
  static double uniform(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }

  private static long mix(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
