package org.beamlink.transforms.recommendation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.models.recommendation.Recommendation;
import org.beamlink.transforms.recommendation.AlsBlocks.FactorBlock;
import org.beamlink.transforms.recommendation.AlsBlocks.RatingBlock;

/**
 * The best neighbours of every subject (item for ItemCF) from blocks of contexts (users) and their
 * subjects: the similarity of every two subjects that share a context, cut to each subject's best
 * {@code maxNeighbours} by {@link NeighbourhoodModel#BEST_FIRST} with at least {@code minCommon}
 * shared contexts and a similarity of at least {@code threshold}. The output holds each subject's
 * best among every slice of subjects, so a subject's best overall are the best of its output.
 *
 * <p>How: the subjects, in the order of their ids, are cut into slices of {@code slice} ({@link
 * #SLICE} by default); the work is one task per pair of slices {@code (p, q)}, {@code p <= q}. Each
 * context sends its subjects in {@code p} and {@code q} to that task when it has a pair of subjects
 * across them, in records of at most {@link #CHUNK} ratings (under the sort buffer of a Flink batch
 * job). The task adds, context by context in ascending id, the product of the two ratings and a 1
 * into dense {@code slice x slice} tables of sums and counts, then scores every cell and keeps each
 * subject's best. A subject's ratings are sent to as many tasks as there are slices, against {@code
 * m(m-1)/2} pair records a context of {@code m} subjects made before; the sums, in context order,
 * are the same on every runner and parallelism.
 */
final class SlicedSimilarities
    extends PTransform<
        PCollection<KV<Integer, RatingBlock>>, PCollection<KV<Long, KV<Long, Double>>>> {
  /**
   * Subjects a slice: a task's tables are {@code SLICE x SLICE} sums (doubles) and counts (ints),
   * 201 MB, and a context's subjects go to {@code ceil(subjects / SLICE)} tasks.
   */
  static final int SLICE = 4096;

  /** Ratings a record at most: 1 MB of ids and ratings, far under Flink's 8 MB sort buffer. */
  static final int CHUNK = 65_536;

  private final int slice;
  private final CfSimilarity similarity;
  private final int minCommon;
  private final double threshold;
  private final int maxNeighbours;
  private final PCollectionView<FactorBlock> sums;
  private final PCollectionView<Long> contexts;

  /**
   * @param slice subjects a slice, >= 1
   * @param sums every subject's {count, sum, sum of squares} of ratings, ids ascending
   * @param contexts the number of contexts
   */
  SlicedSimilarities(
      int slice,
      CfSimilarity similarity,
      int minCommon,
      double threshold,
      int maxNeighbours,
      PCollectionView<FactorBlock> sums,
      PCollectionView<Long> contexts) {
    this.slice = slice;
    this.similarity = similarity;
    this.minCommon = minCommon;
    this.threshold = threshold;
    this.maxNeighbours = maxNeighbours;
    this.sums = sums;
    this.contexts = contexts;
  }

  @Override
  public PCollection<KV<Long, KV<Long, Double>>> expand(
      PCollection<KV<Integer, RatingBlock>> blocks) {
    return blocks
        .apply("Slice pairs", ParDo.of(new SlicePairsFn(slice, sums)).withSideInputs(sums))
        .setCoder(
            KvCoder.of(
                KvCoder.of(VarIntCoder.of(), VarIntCoder.of()),
                AlsBlocks.RatingBlockCoder.INSTANCE))
        .apply("Group slice pairs", GroupByKey.create())
        .apply(
            "Best of slice pairs",
            ParDo.of(
                    new SlicePairFn(
                        slice, similarity, minCommon, threshold, maxNeighbours, sums, contexts))
                .withSideInputs(sums, contexts))
        .setCoder(KvCoder.of(VarLongCoder.of(), KvCoder.of(VarLongCoder.of(), DoubleCoder.of())));
  }

  /** The number of slices of {@code subjects} subjects, {@code slice} a slice. */
  static int slices(int subjects, int slice) {
    return Math.max(1, (int) ((subjects + (long) slice - 1) / slice));
  }

  /** The number of the pair {@code (p, q)}, {@code p <= q}, among {@code s} slices. */
  private static int pairIndex(int p, int q, int s) {
    return p * s - p * (p - 1) / 2 + (q - p);
  }

  /**
   * For every slice pair: the contexts of a block with a pair of subjects across it, each with its
   * subjects in the two slices, in records of at most {@link #CHUNK} ratings.
   */
  static final class SlicePairsFn
      extends DoFn<KV<Integer, RatingBlock>, KV<KV<Integer, Integer>, RatingBlock>> {
    private final int slice;
    private final PCollectionView<FactorBlock> sums;

    SlicePairsFn(int slice, PCollectionView<FactorBlock> sums) {
      this.slice = slice;
      this.sums = sums;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      long[] subjects = c.sideInput(sums).ids();
      int s = slices(subjects.length, slice);
      RatingBlock b = c.element().getValue();
      Chunk[] chunks = new Chunk[s * (s + 1) / 2];
      int[] of = new int[b.others().length];
      for (int e = 0; e < of.length; e++) {
        of[e] = Arrays.binarySearch(subjects, b.others()[e]) / slice;
      }
      int[] perSlice = new int[s];
      for (int row = 0; row < b.ids().length; row++) {
        int start = b.starts()[row];
        int end = b.starts()[row + 1];
        Arrays.fill(perSlice, 0);
        for (int e = start; e < end; e++) {
          perSlice[of[e]]++;
        }
        for (int p = 0; p < s; p++) {
          if (perSlice[p] == 0) {
            continue;
          }
          for (int q = p; q < s; q++) {
            if (p == q ? perSlice[p] < 2 : perSlice[q] == 0) {
              continue;
            }
            int at = pairIndex(p, q, s);
            if (chunks[at] == null) {
              chunks[at] = new Chunk();
            }
            Chunk chunk = chunks[at];
            chunk.add(b, row, of, p, q);
            if (chunk.size() >= CHUNK) {
              c.output(KV.of(KV.of(p, q), chunk.build()));
              chunks[at] = null;
            }
          }
        }
      }
      for (int p = 0; p < s; p++) {
        for (int q = p; q < s; q++) {
          Chunk chunk = chunks[pairIndex(p, q, s)];
          if (chunk != null) {
            c.output(KV.of(KV.of(p, q), chunk.build()));
          }
        }
      }
    }
  }

  /** A record being filled: contexts with their subjects in two slices. */
  private static final class Chunk {
    private final List<Long> ids = new ArrayList<>();
    private final List<Integer> starts = new ArrayList<>(List.of(0));
    private long[] others = new long[64];
    private double[] ratings = new double[64];
    private int size;

    /**
     * Adds context {@code row} of {@code b} with its subjects in slices {@code p} and {@code q},
     * {@code of[e]} the slice of entry {@code e}.
     */
    void add(RatingBlock b, int row, int[] of, int p, int q) {
      ids.add(b.ids()[row]);
      for (int e = b.starts()[row]; e < b.starts()[row + 1]; e++) {
        if (of[e] == p || of[e] == q) {
          if (size == others.length) {
            others = Arrays.copyOf(others, 2 * size);
            ratings = Arrays.copyOf(ratings, 2 * size);
          }
          others[size] = b.others()[e];
          ratings[size] = b.ratings()[e];
          size++;
        }
      }
      starts.add(size);
    }

    int size() {
      return size;
    }

    RatingBlock build() {
      return new RatingBlock(
          ids.stream().mapToLong(Long::longValue).toArray(),
          starts.stream().mapToInt(Integer::intValue).toArray(),
          Arrays.copyOf(others, size),
          Arrays.copyOf(ratings, size));
    }
  }

  /**
   * One slice pair: the sums and counts of every pair of its subjects over its contexts in
   * ascending id, then each subject's best neighbours in the other slice (in its own slice when
   * {@code p == q}), both ways.
   */
  static final class SlicePairFn
      extends DoFn<KV<KV<Integer, Integer>, Iterable<RatingBlock>>, KV<Long, KV<Long, Double>>> {
    private final int slice;
    private final CfSimilarity similarity;
    private final int minCommon;
    private final double threshold;
    private final int maxNeighbours;
    private final PCollectionView<FactorBlock> sums;
    private final PCollectionView<Long> contexts;

    SlicePairFn(
        int slice,
        CfSimilarity similarity,
        int minCommon,
        double threshold,
        int maxNeighbours,
        PCollectionView<FactorBlock> sums,
        PCollectionView<Long> contexts) {
      this.slice = slice;
      this.similarity = similarity;
      this.minCommon = minCommon;
      this.threshold = threshold;
      this.maxNeighbours = maxNeighbours;
      this.sums = sums;
      this.contexts = contexts;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      FactorBlock table = c.sideInput(sums);
      long n = c.sideInput(contexts);
      long[] subjects = table.ids();
      int p = c.element().getKey().getKey();
      int q = c.element().getKey().getValue();
      int pStart = p * slice;
      int qStart = q * slice;
      int width = Math.min(slice, subjects.length - qStart);
      int height = Math.min(slice, subjects.length - pStart);
      double[] dots = new double[height * width];
      int[] common = new int[height * width];
      List<RatingBlock> chunks = new ArrayList<>();
      c.element().getValue().forEach(chunks::add);
      for (long[] context : byContextId(chunks)) {
        RatingBlock b = chunks.get((int) context[1]);
        int row = (int) context[2];
        add(b, row, subjects, pStart, qStart, height, width, p == q, dots, common);
      }
      Best[] best = new Best[height + (p == q ? 0 : width)];
      for (int i = 0; i < height; i++) {
        for (int j = p == q ? i + 1 : 0; j < width; j++) {
          int cell = i * width + j;
          if (common[cell] == 0 || common[cell] < minCommon) {
            continue;
          }
          int a = pStart + i;
          int z = qStart + j;
          double s = similarity.of(common[cell], dots[cell], sumsOf(table, a), sumsOf(table, z), n);
          if (s >= threshold) {
            offer(best, i, subjects[z], s);
            offer(best, p == q ? j : height + j, subjects[a], s);
          }
        }
      }
      for (int i = 0; i < best.length; i++) {
        if (best[i] == null) {
          continue;
        }
        long subject = subjects[i < height ? pStart + i : qStart + i - height];
        for (Recommendation r : best[i].queue) {
          c.output(KV.of(subject, KV.of(r.id(), r.rating())));
        }
      }
    }

    /** (context id, chunk, row) of every context of the chunks, by ascending context id. */
    private static List<long[]> byContextId(List<RatingBlock> chunks) {
      List<long[]> order = new ArrayList<>();
      for (int k = 0; k < chunks.size(); k++) {
        long[] ids = chunks.get(k).ids();
        for (int row = 0; row < ids.length; row++) {
          order.add(new long[] {ids[row], k, row});
        }
      }
      order.sort(Comparator.comparingLong(e -> e[0]));
      return order;
    }

    /** Adds one context's products of ratings and counts into the slice pair's tables. */
    private static void add(
        RatingBlock b,
        int row,
        long[] subjects,
        int pStart,
        int qStart,
        int height,
        int width,
        boolean diagonal,
        double[] dots,
        int[] common) {
      int start = b.starts()[row];
      int end = b.starts()[row + 1];
      int[] inP = new int[end - start];
      double[] rP = new double[end - start];
      int[] inQ = new int[end - start];
      double[] rQ = new double[end - start];
      int np = 0;
      int nq = 0;
      for (int e = start; e < end; e++) {
        int rank = Arrays.binarySearch(subjects, b.others()[e]);
        if (rank >= pStart && rank < pStart + height) {
          inP[np] = rank - pStart;
          rP[np++] = b.ratings()[e];
        }
        if (!diagonal && rank >= qStart && rank < qStart + width) {
          inQ[nq] = rank - qStart;
          rQ[nq++] = b.ratings()[e];
        }
      }
      if (diagonal) {
        for (int x = 0; x < np; x++) {
          int base = inP[x] * width;
          for (int y = x + 1; y < np; y++) {
            dots[base + inP[y]] += rP[x] * rP[y];
            common[base + inP[y]]++;
          }
        }
        return;
      }
      for (int x = 0; x < np; x++) {
        int base = inP[x] * width;
        for (int y = 0; y < nq; y++) {
          dots[base + inQ[y]] += rP[x] * rQ[y];
          common[base + inQ[y]]++;
        }
      }
    }

    /** The count, sum and sum of squares of the ratings of the subject of rank {@code rank}. */
    private static double[] sumsOf(FactorBlock table, int rank) {
      return Arrays.copyOfRange(table.factors(), 3 * rank, 3 * rank + 3);
    }

    private void offer(Best[] best, int at, long neighbour, double s) {
      if (best[at] == null) {
        best[at] = new Best(maxNeighbours);
      }
      best[at].offer(new Recommendation(neighbour, s));
    }
  }

  /** The best {@code max} neighbours offered, by {@link NeighbourhoodModel#BEST_FIRST}. */
  private static final class Best {
    private final int max;
    private final PriorityQueue<Recommendation> queue;

    Best(int max) {
      this.max = max;
      this.queue = new PriorityQueue<>(NeighbourhoodModel.BEST_FIRST.reversed());
    }

    void offer(Recommendation r) {
      if (queue.size() < max) {
        queue.add(r);
      } else if (NeighbourhoodModel.BEST_FIRST.compare(r, queue.peek()) < 0) {
        queue.poll();
        queue.add(r);
      }
    }
  }
}
