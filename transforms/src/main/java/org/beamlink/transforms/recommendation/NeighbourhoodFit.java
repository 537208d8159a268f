package org.beamlink.transforms.recommendation;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.recommendation.IdColumn;
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.models.recommendation.NeighbourhoodModel.Side;
import org.beamlink.models.recommendation.NeighbourhoodModelCoder;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.recommendation.AlsBlocks.FactorBlock;
import org.beamlink.transforms.recommendation.AlsBlocks.Rating;
import org.beamlink.transforms.recommendation.AlsBlocks.RatingBlock;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Trains an item-based ({@link ItemCf#fit()}) or user-based ({@link UserCf#fit()}) neighbourhood
 * recommender: the similarity ({@link CfSimilarity}) of every two items that share a user (users
 * that share an item), each item's {@code maxNeighbours} most similar items with a similarity of at
 * least {@code similarityThreshold} and at least {@code minCommon} shared users, and every user's
 * interactions, as one {@link NeighbourhoodModel}. Below, "item" and "user" are as for ItemCF;
 * UserCF swaps them.
 *
 * <p>How it scales: the interactions are grouped into {@code numBlocks} blocks of users; each
 * item's count, sum and sum of squares of ratings become one table sorted by id (a singleton side
 * input); the items, in id order, are cut into slices of 4,096, and one task per pair of slices
 * sums the products of ratings of every pair of its items over the users in ascending id, in dense
 * tables, and keeps each item's best neighbours ({@link SlicedSimilarities}); a last grouping by
 * item keeps the best {@code maxNeighbours} of those. A user's ratings go to as many tasks as there
 * are slices, while the work is still quadratic in a user's items: a user with more than {@code
 * maxUserItems} items (for UserCF {@code maxItemUsers} users of an item) contributes only the
 * {@code maxUserItems} of them with the smallest hash of (seed, user, item), a deterministic sample
 * (Alink's Swing drops such users instead; its ItemCF has no cap). The sample applies to the
 * similarities only; the model keeps every interaction for scoring.
 *
 * <p>Parameters: {@code userCol} "user", {@code itemCol} "item" (INT32 or INT64), {@code ratingCol}
 * none (every interaction 1) or a numeric column (finite); {@code similarity} COSINE; {@code
 * maxNeighbours} 64 (Alink's {@code maxNeighborNumber}); {@code similarityThreshold} 1e-4
 * (Alink's); {@code minCommon} 1; {@code maxUserItems} (or {@code maxItemUsers}) 1000; {@code
 * numBlocks} 10; {@code seed} 0; {@code predictionCol} "prediction". Bad input fails naming the
 * column, value and row: a null id or rating, a NaN or infinite rating, two interactions of one
 * (user, item) pair, an empty input.
 *
 * <pre>{@code
 * PCollection<NeighbourhoodModel> model =
 *     ratings.apply(ItemCf.fit().withRatingCol("rating").withSimilarity(CfSimilarity.COSINE)
 *         .withMaxNeighbours(20).withMinCommon(2));
 * PCollection<Row> top10 = model.apply(Neighbourhood.recommendForAllUsers(10).excludingSeen());
 * }</pre>
 */
@AutoValue
public abstract class NeighbourhoodFit
    extends PTransform<PCollection<Row>, PCollection<NeighbourhoodModel>> implements PipelineStage {
  private static final TupleTag<KV<Integer, RatingBlock>> KEPT = new TupleTag<>() {};
  private static final TupleTag<KV<Long, Double>> RATINGS = new TupleTag<>() {};
  private static final TupleTag<Long> CONTEXTS = new TupleTag<>() {};

  abstract Side side();

  abstract String userCol();

  abstract String itemCol();

  abstract @Nullable String ratingCol();

  abstract String predictionCol();

  abstract CfSimilarity similarity();

  abstract int maxNeighbours();

  abstract double similarityThreshold();

  abstract int minCommon();

  abstract int maxContext();

  abstract int numBlocks();

  abstract int sliceSize();

  abstract long seed();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setSide(Side side);

    abstract Builder setUserCol(String col);

    abstract Builder setItemCol(String col);

    abstract Builder setRatingCol(@Nullable String col);

    abstract Builder setPredictionCol(String col);

    abstract Builder setSimilarity(CfSimilarity similarity);

    abstract Builder setMaxNeighbours(int n);

    abstract Builder setSimilarityThreshold(double threshold);

    abstract Builder setMinCommon(int n);

    abstract Builder setMaxContext(int n);

    abstract Builder setNumBlocks(int n);

    abstract Builder setSliceSize(int n);

    abstract Builder setSeed(long seed);

    abstract NeighbourhoodFit build();
  }

  static NeighbourhoodFit of(Side side) {
    return new AutoValue_NeighbourhoodFit.Builder()
        .setSide(side)
        .setUserCol("user")
        .setItemCol("item")
        .setPredictionCol("prediction")
        .setSimilarity(CfSimilarity.COSINE)
        .setMaxNeighbours(64)
        .setSimilarityThreshold(1e-4)
        .setMinCommon(1)
        .setMaxContext(1000)
        .setNumBlocks(10)
        .setSliceSize(SlicedSimilarities.SLICE)
        .setSeed(0L)
        .build();
  }

  /** "ItemCF" or "UserCF", naming the input in errors. */
  String family() {
    return side() == Side.ITEMS ? "ItemCF" : "UserCF";
  }

  /** The column of user ids (INT32 or INT64); default "user". */
  public NeighbourhoodFit withUserCol(String col) {
    return toBuilder().setUserCol(col).build();
  }

  /** The column of item ids (INT32 or INT64); default "item". */
  public NeighbourhoodFit withItemCol(String col) {
    return toBuilder().setItemCol(col).build();
  }

  /** The column of ratings (numeric); default none, every interaction 1. */
  public NeighbourhoodFit withRatingCol(String col) {
    return toBuilder().setRatingCol(col).build();
  }

  /** The column the model appends its prediction to; default "prediction". */
  public NeighbourhoodFit withPredictionCol(String col) {
    return toBuilder().setPredictionCol(col).build();
  }

  /** How similar two items (users) are; default COSINE. */
  public NeighbourhoodFit withSimilarity(CfSimilarity similarity) {
    return toBuilder().setSimilarity(similarity).build();
  }

  /** Neighbours kept per item (user), at least 1; default 64. */
  public NeighbourhoodFit withMaxNeighbours(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Expected maxNeighbours >= 1, got " + n);
    }
    return toBuilder().setMaxNeighbours(n).build();
  }

  /** The least similarity of a neighbour (finite); default 1e-4. */
  public NeighbourhoodFit withSimilarityThreshold(double threshold) {
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("Expected a finite similarityThreshold, got " + threshold);
    }
    return toBuilder().setSimilarityThreshold(threshold).build();
  }

  /** The fewest users two neighbour items share (items two neighbour users share), >= 1; 1. */
  public NeighbourhoodFit withMinCommon(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Expected minCommon >= 1, got " + n);
    }
    return toBuilder().setMinCommon(n).build();
  }

  /**
   * ItemCF: the most items of one user that count towards the similarities (a hashed sample of a
   * user with more), at least 2; default 1000.
   */
  public NeighbourhoodFit withMaxUserItems(int n) {
    return withMaxContext(Side.ITEMS, "maxUserItems", n);
  }

  /**
   * UserCF: the most users of one item that count towards the similarities (a hashed sample of an
   * item with more), at least 2; default 1000.
   */
  public NeighbourhoodFit withMaxItemUsers(int n) {
    return withMaxContext(Side.USERS, "maxItemUsers", n);
  }

  private NeighbourhoodFit withMaxContext(Side side, String name, int n) {
    if (side() != side) {
      throw new IllegalArgumentException(name + " is not a parameter of " + family());
    }
    if (n < 2) {
      throw new IllegalArgumentException("Expected " + name + " >= 2, got " + n);
    }
    return toBuilder().setMaxContext(n).build();
  }

  /** Blocks the users (items for UserCF) are hashed into for the pair generation, >= 1; 10. */
  public NeighbourhoodFit withNumBlocks(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Expected numBlocks >= 1, got " + n);
    }
    return toBuilder().setNumBlocks(n).build();
  }

  /**
   * Items (users for UserCF) a slice of the similarity tasks ({@link SlicedSimilarities}), >= 1;
   * 4,096. The model does not depend on it; tests cut small data into many slices with it.
   */
  NeighbourhoodFit withSliceSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Expected sliceSize >= 1, got " + n);
    }
    return toBuilder().setSliceSize(n).build();
  }

  /** The seed of the sample of a user's items beyond {@code maxUserItems}; default 0. */
  public NeighbourhoodFit withSeed(long seed) {
    return toBuilder().setSeed(seed).build();
  }

  /** Fits the model and makes it a pipeline stage: it rates (user, item) rows. */
  @Override
  public PCollection<Transformer> fitStage(PCollection<Row> input) {
    return NeighbourTables.fitStage(input, this, userCol(), itemCol(), predictionCol());
  }

  @Override
  public PCollection<NeighbourhoodModel> expand(PCollection<Row> input) {
    Schema schema = input.getSchema();
    int user = IdColumn.index(schema, userCol(), "user", family());
    int item = IdColumn.index(schema, itemCol(), "item", family());
    int rating = ratingCol() == null ? -1 : Als.ratingColumn(schema, ratingCol(), family());
    if (userCol().equals(itemCol())) {
      throw new IllegalArgumentException(
          "Expected distinct " + family() + " user and item columns, got " + userCol());
    }
    PCollection<Rating> ratings =
        input
            .apply(
                "Read interactions", ParDo.of(new Als.ReadRatingFn(family(), user, item, rating)))
            .setCoder(AlsBlocks.RatingCoder.INSTANCE);
    boolean byUser = side() == Side.ITEMS;
    PCollectionTuple kept =
        ratings
            .apply("Group by context block", AlsTraining.blocks(family(), byUser, numBlocks()))
            .apply(
                "Sample",
                ParDo.of(new SampleFn(maxContext(), seed()))
                    .withOutputTags(KEPT, TupleTagList.of(RATINGS).and(CONTEXTS)));
    KvCoder<Long, Double> rated = KvCoder.of(VarLongCoder.of(), DoubleCoder.of());
    PCollectionView<FactorBlock> stats =
        kept.get(RATINGS)
            .setCoder(rated)
            .apply("Group ratings", GroupByKey.create())
            .apply("Rating sums", ParDo.of(new SumsFn()))
            .setCoder(KvCoder.of(VarIntCoder.of(), AlsBlocks.FactorBlockCoder.INSTANCE))
            .apply("Gather sums", GroupByKey.create())
            .apply("Sums table", ParDo.of(new SumsTableFn()))
            .setCoder(AlsBlocks.FactorBlockCoder.INSTANCE)
            .apply("Sums as side input", View.asSingleton());
    PCollectionView<Long> contexts =
        kept.get(CONTEXTS)
            .setCoder(VarLongCoder.of())
            .apply("Count contexts", Count.globally())
            .apply("Count as side input", View.asSingleton());
    PCollection<KV<Long, KV<Long, Double>>> similar =
        kept.get(KEPT)
            .setCoder(AlsBlocks.keyed(AlsBlocks.RatingBlockCoder.INSTANCE))
            .apply(
                "Similarities",
                new SlicedSimilarities(
                    sliceSize(),
                    similarity(),
                    minCommon(),
                    similarityThreshold(),
                    maxNeighbours(),
                    stats,
                    contexts));
    PCollection<NeighbourhoodModel> model =
        NeighbourTables.model(
            ratings,
            similar,
            maxNeighbours(),
            new NeighbourTables.Description(
                side(),
                similarity().name(),
                ratingCol() == null,
                side() == Side.ITEMS ? "ItemCf" : "UserCf",
                family(),
                seed(),
                description()));
    return model
        .apply(
            "Columns",
            ParDo.of(new NeighbourTables.ColumnsFn(userCol(), itemCol(), predictionCol())))
        .setCoder(NeighbourhoodModelCoder.of());
  }

  private Map<String, String> description() {
    Map<String, String> d = new TreeMap<>();
    d.put("similarity", similarity().name());
    d.put("maxNeighbours", Integer.toString(maxNeighbours()));
    d.put("similarityThreshold", Double.toString(similarityThreshold()));
    d.put("minCommon", Integer.toString(minCommon()));
    d.put(side() == Side.ITEMS ? "maxUserItems" : "maxItemUsers", Integer.toString(maxContext()));
    d.put("numBlocks", Integer.toString(numBlocks()));
    d.put("ratingCol", ratingCol() == null ? "" : ratingCol());
    return d;
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    for (Map.Entry<String, String> e : description().entrySet()) {
      builder.add(DisplayData.item(e.getKey(), e.getValue()));
    }
    builder.add(DisplayData.item("seed", seed()));
  }

  /**
   * For every block of contexts (users for ItemCF): the block with each context's subjects (items)
   * cut to a hashed sample of {@code maxContext}; each kept rating keyed by its subject; every
   * context's id.
   */
  private static final class SampleFn
      extends DoFn<KV<Integer, RatingBlock>, KV<Integer, RatingBlock>> {
    private final int maxContext;
    private final long seed;

    SampleFn(int maxContext, long seed) {
      this.maxContext = maxContext;
      this.seed = seed;
    }

    @ProcessElement
    public void process(@Element KV<Integer, RatingBlock> block, MultiOutputReceiver out) {
      RatingBlock b = block.getValue();
      int[] starts = new int[b.ids().length + 1];
      long[] others = new long[b.others().length];
      double[] ratings = new double[b.others().length];
      int size = 0;
      for (int c = 0; c < b.ids().length; c++) {
        out.get(CONTEXTS).output(b.ids()[c]);
        for (int e : NeighbourTables.sample(b, c, maxContext, seed)) {
          others[size] = b.others()[e];
          ratings[size] = b.ratings()[e];
          out.get(RATINGS).output(KV.of(others[size], ratings[size]));
          size++;
        }
        starts[c + 1] = size;
      }
      out.get(KEPT)
          .output(
              KV.of(
                  block.getKey(),
                  new RatingBlock(
                      b.ids(), starts, Arrays.copyOf(others, size), Arrays.copyOf(ratings, size))));
    }
  }

  /**
   * A subject's count, sum and sum of squares of ratings, summed in ascending order, as a table of
   * one row (keyed 0, to be gathered into one table).
   */
  private static final class SumsFn
      extends DoFn<KV<Long, Iterable<Double>>, KV<Integer, FactorBlock>> {
    @ProcessElement
    public void process(
        @Element KV<Long, Iterable<Double>> e, OutputReceiver<KV<Integer, FactorBlock>> out) {
      List<Double> values = new ArrayList<>();
      e.getValue().forEach(values::add);
      Collections.sort(values);
      double sum = 0;
      double squares = 0;
      for (double v : values) {
        sum += v;
        squares += v * v;
      }
      out.output(
          KV.of(
              0,
              new FactorBlock(
                  new long[] {e.getKey()}, new double[] {values.size(), sum, squares})));
    }
  }

  /**
   * Every subject's sums as one table sorted by id: a singleton side input in which the slice pairs
   * find subjects by rank, where a map side input was rebuilt from all its entries at every lookup
   * on Flink (Beam's map view materialises anew at each access).
   */
  private static final class SumsTableFn
      extends DoFn<KV<Integer, Iterable<FactorBlock>>, FactorBlock> {
    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<FactorBlock>> e, OutputReceiver<FactorBlock> out) {
      out.output(AlsTraining.sortedTable(e.getValue(), 3));
    }
  }
}
