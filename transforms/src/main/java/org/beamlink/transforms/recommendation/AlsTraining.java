package org.beamlink.transforms.recommendation;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.transforms.recommendation.AlsBlocks.FactorBlock;
import org.beamlink.transforms.recommendation.AlsBlocks.FactorBlockCoder;
import org.beamlink.transforms.recommendation.AlsBlocks.Rating;
import org.beamlink.transforms.recommendation.AlsBlocks.RatingBlock;
import org.beamlink.transforms.recommendation.AlsBlocks.RatingBlockCoder;
import org.beamlink.transforms.recommendation.AlsBlocks.Route;
import org.beamlink.transforms.recommendation.AlsBlocks.RouteCoder;

/**
 * ALS training as keyed Beam joins, blocked as Spark's ALS is. Users are hashed into {@code
 * numUserBlocks} blocks and items into {@code numItemBlocks}; the ratings are grouped once by user
 * block and once by item block (CSR, sorted by id), and once, for each source block, the list of
 * its ids each destination block needs (a {@link Route}). A half-iteration that solves the items
 * from the user factors is two {@link CoGroupByKey}s: the user factor blocks joined with their
 * routes send each user block's factors once to every item block that rated one of them (only the
 * factors it needs), and the item rating blocks joined with the factors sent to them solve every
 * item of the block. Implicit feedback adds one {@link Combine} of the source side's Gram matrix
 * {@code Y'Y}, a singleton side input of the solves. The other half-iteration is the same with the
 * roles swapped; {@code maxIter} iterations are unrolled when the pipeline is built, items first as
 * in Spark. What moves in a half-iteration: each source factor once per destination block that
 * needs it ({@code 8 (rank + 1)} bytes each), the destination's rating blocks ({@code 20} bytes a
 * rating: a CoGroupByKey shuffles both its inputs), and the solved factors.
 *
 * <p>The order of every sum is fixed (ratings by id within an entity, Gram matrices summed in block
 * order), so a seed gives the same factors, bit for bit, on every runner and parallelism.
 */
final class AlsTraining {
  private AlsTraining() {}

  /** What the solves need: a serializable value built once by the estimator. */
  record Params(int rank, double regParam, boolean implicitPrefs, double alpha, boolean nonnegative)
      implements Serializable {}

  private static final TupleTag<FactorBlock> FACTORS = new TupleTag<>() {};
  private static final TupleTag<Route> ROUTES = new TupleTag<>() {};
  private static final TupleTag<RatingBlock> RATINGS = new TupleTag<>() {};
  private static final TupleTag<FactorBlock> SENT = new TupleTag<>() {};

  /** Ratings grouped into blocks of users (or items), as CSR sorted by id and then other id. */
  static PTransform<PCollection<Rating>, PCollection<KV<Integer, RatingBlock>>> blocks(
      boolean byUser, int numBlocks) {
    return blocks("ALS", byUser, numBlocks);
  }

  /**
   * {@link #blocks(boolean, int)}, with {@code family} ("ItemCF", ...) naming the input in errors.
   */
  static PTransform<PCollection<Rating>, PCollection<KV<Integer, RatingBlock>>> blocks(
      String family, boolean byUser, int numBlocks) {
    return new PTransform<>() {
      @Override
      public PCollection<KV<Integer, RatingBlock>> expand(PCollection<Rating> ratings) {
        return ratings
            .apply(
                "Key by block",
                ParDo.of(
                    new DoFn<Rating, KV<Integer, Rating>>() {
                      @ProcessElement
                      public void process(
                          @Element Rating r, OutputReceiver<KV<Integer, Rating>> out) {
                        out.output(
                            KV.of(AlsBlocks.blockOf(byUser ? r.user() : r.item(), numBlocks), r));
                      }
                    }))
            .setCoder(AlsBlocks.keyed(AlsBlocks.RatingCoder.INSTANCE))
            .apply("Group", GroupByKey.create())
            .apply("As CSR", ParDo.of(new ToRatingBlockFn(family, byUser)))
            .setCoder(AlsBlocks.keyed(RatingBlockCoder.INSTANCE));
      }
    };
  }

  private static final class ToRatingBlockFn
      extends DoFn<KV<Integer, Iterable<Rating>>, KV<Integer, RatingBlock>> {
    private final String family;
    private final boolean byUser;

    ToRatingBlockFn(String family, boolean byUser) {
      this.family = family;
      this.byUser = byUser;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<Rating>> group,
        OutputReceiver<KV<Integer, RatingBlock>> out) {
      List<Rating> all = new ArrayList<>();
      group.getValue().forEach(all::add);
      Comparator<Rating> order =
          byUser
              ? Comparator.comparingLong(Rating::user).thenComparingLong(Rating::item)
              : Comparator.comparingLong(Rating::item).thenComparingLong(Rating::user);
      all.sort(order);
      long[] others = new long[all.size()];
      double[] ratings = new double[all.size()];
      List<Long> ids = new ArrayList<>();
      List<Integer> starts = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        Rating r = all.get(i);
        long id = byUser ? r.user() : r.item();
        others[i] = byUser ? r.item() : r.user();
        ratings[i] = r.rating();
        if (ids.isEmpty() || ids.get(ids.size() - 1) != id) {
          ids.add(id);
          starts.add(i);
        } else if (others[i] == others[i - 1]) {
          throw new IllegalArgumentException(
              family
                  + " input rates item "
                  + r.item()
                  + " by user "
                  + r.user()
                  + " twice; expected one rating per (user, item) pair");
        }
      }
      starts.add(all.size());
      out.output(
          KV.of(
              group.getKey(),
              new RatingBlock(
                  ids.stream().mapToLong(Long::longValue).toArray(),
                  starts.stream().mapToInt(Integer::intValue).toArray(),
                  others,
                  ratings)));
    }
  }

  /**
   * For the rating blocks of one side, the routes of the other side's factors: keyed by the source
   * block, the ids of it each destination block rated.
   */
  static PCollection<KV<Integer, Route>> routes(
      String name, PCollection<KV<Integer, RatingBlock>> destinations, int numSourceBlocks) {
    return destinations
        .apply(
            name,
            ParDo.of(
                new DoFn<KV<Integer, RatingBlock>, KV<Integer, Route>>() {
                  @ProcessElement
                  public void process(
                      @Element KV<Integer, RatingBlock> block,
                      OutputReceiver<KV<Integer, Route>> out) {
                    Map<Integer, List<Long>> bySource = new TreeMap<>();
                    for (long id : block.getValue().distinctOthers()) {
                      bySource
                          .computeIfAbsent(
                              AlsBlocks.blockOf(id, numSourceBlocks), b -> new ArrayList<>())
                          .add(id);
                    }
                    for (Map.Entry<Integer, List<Long>> e : bySource.entrySet()) {
                      long[] ids = e.getValue().stream().mapToLong(Long::longValue).toArray();
                      out.output(KV.of(e.getKey(), new Route(block.getKey(), ids)));
                    }
                  }
                }))
        .setCoder(AlsBlocks.keyed(RouteCoder.INSTANCE));
  }

  /** The initial factors of the entities of every rating block. */
  static PCollection<KV<Integer, FactorBlock>> initialFactors(
      PCollection<KV<Integer, RatingBlock>> blocks, long seed, int rank) {
    return blocks
        .apply(
            "Initial factors",
            ParDo.of(
                new DoFn<KV<Integer, RatingBlock>, KV<Integer, FactorBlock>>() {
                  @ProcessElement
                  public void process(
                      @Element KV<Integer, RatingBlock> block,
                      OutputReceiver<KV<Integer, FactorBlock>> out) {
                    long[] ids = block.getValue().ids();
                    double[] factors = new double[ids.length * rank];
                    for (int i = 0; i < ids.length; i++) {
                      System.arraycopy(
                          AlsBlocks.initialFactors(seed, ids[i], rank), 0, factors, i * rank, rank);
                    }
                    out.output(KV.of(block.getKey(), new FactorBlock(ids, factors)));
                  }
                }))
        .setCoder(AlsBlocks.keyed(FactorBlockCoder.INSTANCE));
  }

  /**
   * One half-iteration: the factors of the destination side solved from {@code sources}, sent along
   * {@code routes}, and the destination's {@code ratings}.
   */
  static PTransform<PCollection<KV<Integer, FactorBlock>>, PCollection<KV<Integer, FactorBlock>>>
      halfIteration(
          Params params,
          PCollection<KV<Integer, Route>> routes,
          PCollection<KV<Integer, RatingBlock>> ratings,
          String destination) {
    return new PTransform<>() {
      @Override
      public PCollection<KV<Integer, FactorBlock>> expand(
          PCollection<KV<Integer, FactorBlock>> sources) {
        PCollection<KV<Integer, FactorBlock>> sent =
            KeyedPCollectionTuple.of(FACTORS, sources)
                .and(ROUTES, routes)
                .apply("Join factors with routes", CoGroupByKey.create())
                .apply("Send factors", ParDo.of(new SendFn(params.rank())))
                .setCoder(AlsBlocks.keyed(FactorBlockCoder.INSTANCE));
        PCollectionView<double[]> gram = null;
        if (params.implicitPrefs()) {
          gram =
              sources
                  .apply("Gram matrix", Combine.globally(new GramFn(params.rank())))
                  .setCoder(DoubleArrayCoder.of())
                  .apply("Gram as side input", View.asSingleton());
        }
        SolveFn solve = new SolveFn(params, gram, destination);
        ParDo.SingleOutput<KV<Integer, CoGbkResult>, KV<Integer, FactorBlock>> solving =
            ParDo.of(solve);
        if (gram != null) {
          solving = solving.withSideInputs(gram);
        }
        return KeyedPCollectionTuple.of(RATINGS, ratings)
            .and(SENT, sent)
            .apply("Join ratings with factors", CoGroupByKey.create())
            .apply("Solve", solving)
            .setCoder(AlsBlocks.keyed(FactorBlockCoder.INSTANCE));
      }
    };
  }

  /** Sends a source block's factors, each route the subset it names, keyed by its destination. */
  private static final class SendFn
      extends DoFn<KV<Integer, CoGbkResult>, KV<Integer, FactorBlock>> {
    private final int rank;
    private final Counter sent = Metrics.counter(Als.METRICS_NAMESPACE, Als.FACTOR_BYTES_SENT);

    SendFn(int rank) {
      this.rank = rank;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, CoGbkResult> joined, OutputReceiver<KV<Integer, FactorBlock>> out) {
      FactorBlock factors = joined.getValue().getOnly(FACTORS, null);
      for (Route route : joined.getValue().getAll(ROUTES)) {
        out.output(KV.of(route.to(), factors.subset(route.ids(), rank)));
        sent.inc(route.ids().length * (long) Double.BYTES * (rank + 1));
      }
    }
  }

  /** Solves every entity of a destination block. */
  private static final class SolveFn
      extends DoFn<KV<Integer, CoGbkResult>, KV<Integer, FactorBlock>> {
    private final Params params;
    private final PCollectionView<double[]> gram;
    private final String destination;
    private final Counter joined = Metrics.counter(Als.METRICS_NAMESPACE, Als.RATING_BYTES_JOINED);

    SolveFn(Params params, PCollectionView<double[]> gram, String destination) {
      this.params = params;
      this.gram = gram;
      this.destination = destination;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      RatingBlock block = c.element().getValue().getOnly(RATINGS, null);
      if (block == null) {
        return;
      }
      joined.inc(
          (block.others().length + block.ratings().length + block.ids().length)
                  * (long) Double.BYTES
              + block.starts().length * (long) Integer.BYTES);
      FactorBlock sources = sortedTable(c.element().getValue().getAll(SENT), params.rank());
      int rank = params.rank();
      double[] yty = gram == null ? null : c.sideInput(gram);
      AlsLeastSquares ls = new AlsLeastSquares(rank);
      long[] ids = block.ids();
      double[] solved = new double[ids.length * rank];
      for (int e = 0; e < ids.length; e++) {
        ls.reset(yty);
        for (int j = block.starts()[e]; j < block.starts()[e + 1]; j++) {
          int at = Arrays.binarySearch(sources.ids(), block.others()[j]);
          if (params.implicitPrefs()) {
            ls.addImplicit(sources.factors(), at * rank, block.ratings()[j], params.alpha());
          } else {
            ls.addExplicit(sources.factors(), at * rank, block.ratings()[j]);
          }
        }
        double[] x = ls.solve(params.regParam(), params.nonnegative(), destination + " " + ids[e]);
        System.arraycopy(x, 0, solved, e * rank, rank);
      }
      c.output(KV.of(c.element().getKey(), new FactorBlock(ids, solved)));
    }
  }

  /** Factor blocks of disjoint ids as one table sorted by id. */
  static FactorBlock sortedTable(Iterable<FactorBlock> parts, int rank) {
    List<FactorBlock> all = new ArrayList<>();
    parts.forEach(all::add);
    if (all.size() == 1) {
      return all.get(0);
    }
    int n = all.stream().mapToInt(b -> b.ids().length).sum();
    long[] ids = new long[n];
    double[] factors = new double[n * rank];
    int at = 0;
    for (FactorBlock b : all) {
      int len = b.ids().length;
      System.arraycopy(b.ids(), 0, ids, at, len);
      System.arraycopy(b.factors(), 0, factors, at * rank, len * rank);
      at += len;
    }
    Integer[] order = new Integer[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    Arrays.sort(order, Comparator.comparingLong(k -> ids[k]));
    long[] sortedIds = new long[n];
    double[] sortedFactors = new double[n * rank];
    for (int k = 0; k < n; k++) {
      sortedIds[k] = ids[order[k]];
      System.arraycopy(factors, order[k] * rank, sortedFactors, k * rank, rank);
    }
    return new FactorBlock(sortedIds, sortedFactors);
  }

  /**
   * The Gram matrix {@code Y'Y} of every factor block, summed in block order so that its value does
   * not depend on how the runner merged the partial sums.
   */
  static final class GramFn
      extends Combine.CombineFn<KV<Integer, FactorBlock>, Map<Integer, double[]>, double[]> {
    private final int rank;

    GramFn(int rank) {
      this.rank = rank;
    }

    @Override
    public Map<Integer, double[]> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<Integer, double[]> addInput(
        Map<Integer, double[]> acc, KV<Integer, FactorBlock> block) {
      double[] g = new double[rank * rank];
      double[] f = block.getValue().factors();
      for (int i = 0; i < block.getValue().ids().length; i++) {
        int o = i * rank;
        for (int a = 0; a < rank; a++) {
          for (int b = a; b < rank; b++) {
            g[a * rank + b] += f[o + a] * f[o + b];
          }
        }
      }
      for (int a = 0; a < rank; a++) {
        for (int b = 0; b < a; b++) {
          g[a * rank + b] = g[b * rank + a];
        }
      }
      acc.put(block.getKey(), g);
      return acc;
    }

    @Override
    public Map<Integer, double[]> mergeAccumulators(Iterable<Map<Integer, double[]>> accs) {
      Map<Integer, double[]> all = new HashMap<>();
      accs.forEach(all::putAll);
      return all;
    }

    @Override
    public double[] extractOutput(Map<Integer, double[]> acc) {
      double[] sum = new double[rank * rank];
      for (double[] g : new TreeMap<>(acc).values()) {
        for (int i = 0; i < sum.length; i++) {
          sum[i] += g[i];
        }
      }
      return sum;
    }

    @Override
    public Coder<Map<Integer, double[]>> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<Integer, FactorBlock>> inputCoder) {
      return MapCoder.of(VarIntCoder.of(), DoubleArrayCoder.of());
    }

    @Override
    public Coder<double[]> getDefaultOutputCoder(
        CoderRegistry registry, Coder<KV<Integer, FactorBlock>> inputCoder) {
      return DoubleArrayCoder.of();
    }
  }
}
