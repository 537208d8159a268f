package org.beamlink.models.linalg;

/**
 * SplitMix64-style mixing of primitive arrays into a 64-bit hash, for {@link Block#contentHash}.
 */
final class ContentHash {
  private ContentHash() {}

  static long mix(long h, long value) {
    long z = h ^ (value + 0x9e3779b97f4a7c15L + (h << 6) + (h >>> 2));
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static long doubles(long h, double[] values) {
    if (values == null) {
      return mix(h, -1);
    }
    h = mix(h, values.length);
    for (double v : values) {
      h = mix(h, Double.doubleToLongBits(v));
    }
    return h;
  }

  static long ints(long h, int[] values) {
    h = mix(h, values.length);
    for (int v : values) {
      h = mix(h, v);
    }
    return h;
  }
}
