package org.beamlink.iteration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.values.KV;

/**
 * Cuts partitioned data into partitions by a 64-bit hash of each element's encoding (of a block's
 * arrays, which is cheaper and as deterministic), so that the same elements land in the same
 * partitions on every runner and path, and orders each partition by that hash, so that a
 * partition's contents do not depend on arrival order either.
 */
final class PartitionAssigner {
  private PartitionAssigner() {}

  /** The partition of an element with hash {@code hash}. */
  static int partitionOf(long hash, int numTasks) {
    return (int) Math.floorMod(hash, (long) numTasks);
  }

  /** FNV-1a over the bytes, then the SplitMix64 finaliser to spread the bits. */
  static long hash(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return h;
  }

  /** The values of one partition's elements in hash order. */
  static <T> List<T> sortedValues(List<KV<Long, T>> part) {
    part.sort(Comparator.comparingLong(KV::getKey));
    List<T> values = new ArrayList<>(part.size());
    for (KV<Long, T> kv : part) {
      values.add(kv.getValue());
    }
    return values;
  }
}
