package org.beamlink.models;

/**
 * The SplitMix64 finalizer, and uniform numbers from its hashes: the source of every seeded random
 * choice in training (KMeans's initial points, SGD's mini-batches). Choices hashed from a seed and
 * the data, never drawn from a stream, are the same on every runner and partitioning.
 *
 * <pre>{@code
 * long h = SeededHash.mix(seed ^ Double.doubleToLongBits(x));
 * boolean sampled = SeededHash.uniform(h) < fraction;
 * }</pre>
 */
public final class SeededHash {
  private SeededHash() {}

  /** SplitMix64's output function of {@code z + golden gamma}: a well-spread 64-bit hash. */
  public static long mix(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A uniform number in [0, 1) from the top 53 bits of a hash. */
  public static double uniform(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }
}
