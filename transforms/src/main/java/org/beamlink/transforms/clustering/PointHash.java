package org.beamlink.transforms.clustering;

import org.beamlink.models.SeededHash;

/**
 * A deterministic 64-bit hash of a point's values, a seed and a round: the source of KMeans's
 * randomness, so that a seed gives the same model on every runner and partitioning.
 */
final class PointHash {
  private PointHash() {}

  static long of(long seed, int round, double[] values, int offset, int length) {
    long h = SeededHash.mix(seed ^ 0x9e3779b97f4a7c15L * (round + 1));
    for (int j = 0; j < length; j++) {
      h = SeededHash.mix(h ^ Double.doubleToLongBits(values[offset + j] + 0.0));
    }
    return h;
  }
}
