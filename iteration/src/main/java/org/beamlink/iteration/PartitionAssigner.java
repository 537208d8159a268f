package org.beamlink.iteration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.beamlink.models.linalg.Block;

/**
 * Cuts partitioned data into partitions by a 64-bit hash of each element's encoding (of a block's
 * arrays, which is cheaper and as deterministic), so that the same elements land in the same
 * partitions on every runner, and orders each partition by that hash, so that a partition's
 * contents do not depend on arrival order either.
 */
final class PartitionAssigner {
  private PartitionAssigner() {}

  /** Keys every element by its partition (or by 0 when the data is gathered) and its hash. */
  static final class AssignFn<T> extends DoFn<T, KV<Integer, KV<Long, T>>> {
    private final Coder<T> coder;
    private final int numTasks;
    private final boolean gather;

    AssignFn(Coder<T> coder, int numTasks, boolean gather) {
      this.coder = coder;
      this.numTasks = numTasks;
      this.gather = gather;
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<KV<Integer, KV<Long, T>>> out)
        throws Exception {
      long hash =
          element instanceof Block block
              ? block.contentHash()
              : hash(CoderUtils.encodeToByteArray(coder, element));
      int key = gather ? 0 : partitionOf(hash, numTasks);
      out.output(KV.of(key, KV.of(hash, element)));
    }
  }

  /**
   * Sends every element of broadcast data to every task key (or to key 0 when the data is
   * gathered), keyed by its hash so that every task lists it in the same order.
   */
  static final class BroadcastFn<T> extends DoFn<T, KV<Integer, KV<Long, T>>> {
    private final Coder<T> coder;
    private final int numKeys;

    BroadcastFn(Coder<T> coder, int numKeys) {
      this.coder = coder;
      this.numKeys = numKeys;
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<KV<Integer, KV<Long, T>>> out)
        throws Exception {
      long hash = hash(CoderUtils.encodeToByteArray(coder, element));
      for (int key = 0; key < numKeys; key++) {
        out.output(KV.of(key, KV.of(hash, element)));
      }
    }
  }

  /** One task's share of a grouped input, in hash order. */
  @SuppressWarnings("unchecked")
  static List<Object> values(
      org.apache.beam.sdk.transforms.join.CoGbkResult grouped, TupleTag<?> tag) {
    List<KV<Long, Object>> part = new ArrayList<>();
    grouped.getAll((TupleTag<KV<Long, Object>>) tag).forEach(part::add);
    return sortedValues(part);
  }

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

  /** The elements of each of {@code numTasks} partitions, each in hash order. */
  static <T> List<List<T>> split(Iterable<KV<Long, T>> hashed, int numTasks) {
    List<List<KV<Long, T>>> parts = new ArrayList<>(numTasks);
    for (int t = 0; t < numTasks; t++) {
      parts.add(new ArrayList<>());
    }
    for (KV<Long, T> kv : hashed) {
      parts.get(partitionOf(kv.getKey(), numTasks)).add(kv);
    }
    List<List<T>> result = new ArrayList<>(numTasks);
    for (List<KV<Long, T>> part : parts) {
      result.add(sortedValues(part));
    }
    return result;
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
