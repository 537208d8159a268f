package org.beamlink.transforms.recommendation;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.beamlink.models.Provenance;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.recommendation.AlsModel;
import org.beamlink.models.recommendation.AlsModelCoder;
import org.beamlink.models.recommendation.ColdStartStrategy;
import org.beamlink.models.recommendation.Recommendation;
import org.beamlink.models.rows.RowText;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.LargeSingleton;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.recommendation.AlsBlocks.FactorBlock;
import org.beamlink.transforms.recommendation.AlsBlocks.Rating;
import org.beamlink.transforms.recommendation.AlsBlocks.RatingBlock;
import org.beamlink.transforms.recommendation.AlsBlocks.Route;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Alternating least squares for collaborative filtering, as Spark's {@code ALS}: {@link #fit()}
 * learns a factor vector for every user and item from (user, item, rating) rows so that their dot
 * product approximates the rating; {@link #predict} appends the predicted rating of (user, item)
 * rows; {@link #recommendForAllUsers} and {@link #recommendForAllItems} give the top k of the other
 * side for everyone.
 *
 * <p>Explicit feedback minimises {@code sum (r - x_u'y_i)^2 + regParam (sum n_u |x_u|^2 + sum n_i
 * |y_i|^2)} with {@code n} the number of ratings of the user or item (ALS-WR, Zhou et al. 2008, as
 * Spark scales it). Implicit feedback ({@code implicitPrefs}) is Hu, Koren and Volinsky's: a rating
 * {@code r} is a preference {@code r > 0} with confidence {@code 1 + alpha |r|}, every unrated pair
 * a preference 0 with confidence 1, and {@code n} counts the positive ratings. Initial user factors
 * are standard normal numbers hashed from the seed and the id, scaled to unit norm; each iteration
 * solves every item's normal equations from the user factors, then every user's from the item
 * factors (Cholesky; with {@code nonnegative}, nonnegative least squares). How the ratings and
 * factors are blocked and what moves per half-iteration: {@link AlsTraining}.
 *
 * <p>Parameters ({@code fit()} sets every default): {@code userCol} "user", {@code itemCol} "item"
 * (INT32 or INT64), {@code ratingCol} "rating" (numeric; finite); {@code rank} >= 1, default 10;
 * {@code maxIter} >= 1, default 10; {@code regParam} >= 0, default 0.1; {@code implicitPrefs},
 * default false; {@code alpha} >= 0, default 1.0; {@code nonnegative}, default false; {@code seed},
 * default 0; {@code numUserBlocks} and {@code numItemBlocks} >= 1, default 10; {@code
 * predictionCol}, default "prediction"; {@code coldStartStrategy}, default NAN.
 *
 * <p>Bad input fails naming the column, value and row: a null id or rating, a NaN or infinite
 * rating, two ratings of one (user, item) pair, an empty input.
 *
 * <pre>{@code
 * PCollection<AlsModel> model =
 *     ratings.apply(Als.fit().withUserCol("user").withItemCol("movie").withRank(8).withSeed(7));
 * PCollection<Row> scored = pairs.apply(Als.predict(model).withColdStartStrategy(ColdStartStrategy.DROP));
 * PCollection<Row> top10 = model.apply(Als.recommendForAllUsers(10));
 * // top10: user INT64, recommendations ARRAY<ROW<item INT64, rating DOUBLE>>
 * }</pre>
 *
 * <p>References: Y. Hu, Y. Koren, C. Volinsky, Collaborative Filtering for Implicit Feedback
 * Datasets (ICDM 2008); Y. Zhou et al., Large-scale Parallel Collaborative Filtering for the
 * Netflix Prize (AAIM 2008); Spark's {@code org.apache.spark.ml.recommendation.ALS}.
 */
public final class Als {
  /** The namespace of the Beam counters training reports. */
  public static final String METRICS_NAMESPACE = "Als";

  /**
   * The counter of factor bytes (ids and values) sent to the blocks that need them, summed over the
   * half-iterations.
   */
  public static final String FACTOR_BYTES_SENT = "factorBytesSent";

  /**
   * The counter of rating-block bytes (CSR ids, offsets, other ids and ratings) joined with the
   * sent factors, summed over the half-iterations.
   */
  public static final String RATING_BYTES_JOINED = "ratingBytesJoined";

  private Als() {}

  /** An ALS trainer with every default set. */
  public static Fit fit() {
    return new AutoValue_Als_Fit.Builder()
        .setUserCol("user")
        .setItemCol("item")
        .setRatingCol("rating")
        .setPredictionCol("prediction")
        .setRank(10)
        .setMaxIter(10)
        .setRegParam(0.1)
        .setImplicitPrefs(false)
        .setAlpha(1.0)
        .setNonnegative(false)
        .setSeed(0L)
        .setNumUserBlocks(10)
        .setNumItemBlocks(10)
        .setColdStartStrategy(ColdStartStrategy.NAN)
        .build();
  }

  /**
   * Appends the predicted rating of each row's (user, item) with the one model in {@code model},
   * reading the model's columns; NaN for an unseen user or item, or the row dropped under {@link
   * ColdStartStrategy#DROP}. Works on bounded and unbounded input.
   */
  public static Predict predict(PCollection<AlsModel> model) {
    return new AutoValue_Als_Predict.Builder()
        .setModel(model)
        .setUserCol("user")
        .setItemCol("item")
        .setPredictionCol("prediction")
        .setColdStartStrategy(ColdStartStrategy.NAN)
        .build();
  }

  /**
   * The top {@code k} items of every user of the one model it is applied to: rows of {@code user}
   * (INT64) and {@code recommendations} (ARRAY of ROW of {@code item} INT64 and {@code rating}
   * DOUBLE), best first, equal ratings by ascending id.
   */
  public static RecommendForAll recommendForAllUsers(int k) {
    return RecommendForAll.of(true, k);
  }

  /**
   * The top {@code k} users of every item of the one model it is applied to: rows of {@code item}
   * (INT64) and {@code recommendations} (ARRAY of ROW of {@code user} INT64 and {@code rating}
   * DOUBLE), best first, equal ratings by ascending id.
   */
  public static RecommendForAll recommendForAllItems(int k) {
    return RecommendForAll.of(false, k);
  }

  /** Trains an {@link AlsModel}; see {@link Als} for the parameters. */
  @AutoValue
  public abstract static class Fit extends PTransform<PCollection<Row>, PCollection<AlsModel>>
      implements PipelineStage {
    abstract String userCol();

    abstract String itemCol();

    abstract String ratingCol();

    abstract String predictionCol();

    abstract int rank();

    abstract int maxIter();

    abstract double regParam();

    abstract boolean implicitPrefs();

    abstract double alpha();

    abstract boolean nonnegative();

    abstract long seed();

    abstract int numUserBlocks();

    abstract int numItemBlocks();

    abstract ColdStartStrategy coldStartStrategy();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setUserCol(String col);

      abstract Builder setItemCol(String col);

      abstract Builder setRatingCol(String col);

      abstract Builder setPredictionCol(String col);

      abstract Builder setRank(int rank);

      abstract Builder setMaxIter(int maxIter);

      abstract Builder setRegParam(double regParam);

      abstract Builder setImplicitPrefs(boolean implicit);

      abstract Builder setAlpha(double alpha);

      abstract Builder setNonnegative(boolean nonnegative);

      abstract Builder setSeed(long seed);

      abstract Builder setNumUserBlocks(int n);

      abstract Builder setNumItemBlocks(int n);

      abstract Builder setColdStartStrategy(ColdStartStrategy strategy);

      abstract Fit build();
    }

    /** The column of user ids (INT32 or INT64); default "user". */
    public Fit withUserCol(String col) {
      return toBuilder().setUserCol(col).build();
    }

    /** The column of item ids (INT32 or INT64); default "item". */
    public Fit withItemCol(String col) {
      return toBuilder().setItemCol(col).build();
    }

    /** The column of ratings (numeric); default "rating". */
    public Fit withRatingCol(String col) {
      return toBuilder().setRatingCol(col).build();
    }

    /** The column the model appends its prediction to; default "prediction". */
    public Fit withPredictionCol(String col) {
      return toBuilder().setPredictionCol(col).build();
    }

    /** Factors per user and item, at least 1; default 10. */
    public Fit withRank(int rank) {
      if (rank < 1) {
        throw new IllegalArgumentException("Expected rank >= 1, got " + rank);
      }
      return toBuilder().setRank(rank).build();
    }

    /** Iterations (each solves items, then users), at least 1; default 10. */
    public Fit withMaxIter(int maxIter) {
      if (maxIter < 1) {
        throw new IllegalArgumentException("Expected maxIter >= 1, got " + maxIter);
      }
      return toBuilder().setMaxIter(maxIter).build();
    }

    /** Regularization, scaled by each user's and item's number of ratings; >= 0, default 0.1. */
    public Fit withRegParam(double regParam) {
      if (!(regParam >= 0) || Double.isInfinite(regParam)) {
        throw new IllegalArgumentException("Expected finite regParam >= 0, got " + regParam);
      }
      return toBuilder().setRegParam(regParam).build();
    }

    /** Implicit feedback (Hu, Koren and Volinsky) instead of explicit ratings; default false. */
    public Fit withImplicitPrefs(boolean implicit) {
      return toBuilder().setImplicitPrefs(implicit).build();
    }

    /** Implicit feedback's confidence {@code 1 + alpha |r|}; >= 0, default 1.0. */
    public Fit withAlpha(double alpha) {
      if (!(alpha >= 0) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException("Expected finite alpha >= 0, got " + alpha);
      }
      return toBuilder().setAlpha(alpha).build();
    }

    /** Nonnegative factors (nonnegative least squares); default false. */
    public Fit withNonnegative(boolean nonnegative) {
      return toBuilder().setNonnegative(nonnegative).build();
    }

    /** The seed of the initial factors; default 0. */
    public Fit withSeed(long seed) {
      return toBuilder().setSeed(seed).build();
    }

    /** Blocks the users are hashed into, at least 1; default 10. */
    public Fit withNumUserBlocks(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("Expected numUserBlocks >= 1, got " + n);
      }
      return toBuilder().setNumUserBlocks(n).build();
    }

    /** Blocks the items are hashed into, at least 1; default 10. */
    public Fit withNumItemBlocks(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("Expected numItemBlocks >= 1, got " + n);
      }
      return toBuilder().setNumItemBlocks(n).build();
    }

    /** What the model does with an unseen user or item; default NAN. */
    public Fit withColdStartStrategy(ColdStartStrategy strategy) {
      return toBuilder().setColdStartStrategy(strategy).build();
    }

    /** Fits the model and makes it a pipeline stage: it scores (user, item) rows. */
    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      String user = userCol();
      String item = itemCol();
      String prediction = predictionCol();
      SchemaMapping mapping = in -> AlsModel.outputSchema(in, user, item, prediction);
      mapping.outputSchema(input.getSchema());
      return PipelineStage.fitted(input.apply(this), mapping);
    }

    @Override
    public PCollection<AlsModel> expand(PCollection<Row> input) {
      Schema schema = input.getSchema();
      int user = AlsModel.idColumn(schema, userCol(), "user");
      int item = AlsModel.idColumn(schema, itemCol(), "item");
      int rating = ratingColumn(schema, ratingCol(), "ALS");
      if (userCol().equals(itemCol())
          || userCol().equals(ratingCol())
          || itemCol().equals(ratingCol())) {
        throw new IllegalArgumentException(
            "Expected distinct ALS user, item and rating columns, got "
                + List.of(userCol(), itemCol(), ratingCol()));
      }
      PCollection<Rating> ratings =
          input
              .apply("Read ratings", ParDo.of(new ReadRatingFn("ALS", user, item, rating)))
              .setCoder(AlsBlocks.RatingCoder.INSTANCE);
      PCollection<KV<Integer, RatingBlock>> byUser =
          ratings.apply("Ratings by user block", AlsTraining.blocks(true, numUserBlocks()));
      PCollection<KV<Integer, RatingBlock>> byItem =
          ratings.apply("Ratings by item block", AlsTraining.blocks(false, numItemBlocks()));
      PCollection<KV<Integer, Route>> userRoutes =
          AlsTraining.routes("User factor routes", byItem, numUserBlocks());
      PCollection<KV<Integer, Route>> itemRoutes =
          AlsTraining.routes("Item factor routes", byUser, numItemBlocks());
      AlsTraining.Params params =
          new AlsTraining.Params(rank(), regParam(), implicitPrefs(), alpha(), nonnegative());
      PCollection<KV<Integer, FactorBlock>> userFactors =
          AlsTraining.initialFactors(byUser, seed(), rank());
      PCollection<KV<Integer, FactorBlock>> itemFactors = null;
      for (int iter = 1; iter <= maxIter(); iter++) {
        itemFactors =
            userFactors.apply(
                "Iteration " + iter + " items",
                AlsTraining.halfIteration(params, userRoutes, byItem, "item"));
        userFactors =
            itemFactors.apply(
                "Iteration " + iter + " users",
                AlsTraining.halfIteration(params, itemRoutes, byUser, "user"));
      }
      PCollectionView<Iterable<KV<Integer, FactorBlock>>> users =
          userFactors.apply("User factors as side input", View.asIterable());
      PCollectionView<Iterable<KV<Integer, FactorBlock>>> items =
          itemFactors.apply("Item factors as side input", View.asIterable());
      return ratings
          .apply("Count ratings", Count.globally())
          .apply(
              "Model",
              ParDo.of(new AssembleFn(this, users, items, description()))
                  .withSideInputs(users, items))
          .setCoder(AlsModelCoder.of());
    }

    private Map<String, String> description() {
      Map<String, String> d = new TreeMap<>();
      d.put("rank", Integer.toString(rank()));
      d.put("maxIter", Integer.toString(maxIter()));
      d.put("regParam", Double.toString(regParam()));
      d.put("implicitPrefs", Boolean.toString(implicitPrefs()));
      d.put("alpha", Double.toString(alpha()));
      d.put("nonnegative", Boolean.toString(nonnegative()));
      d.put("numUserBlocks", Integer.toString(numUserBlocks()));
      d.put("numItemBlocks", Integer.toString(numItemBlocks()));
      d.put("ratingCol", ratingCol());
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
  }

  /**
   * The index of the numeric rating column {@code col} of {@code schema}, {@code family} ("ALS",
   * "ItemCF", ...) naming it in errors.
   *
   * @throws IllegalArgumentException when it is missing or not numeric
   */
  static int ratingColumn(Schema schema, String col, String family) {
    if (!schema.hasField(col)) {
      throw new IllegalArgumentException(
          family + " rating column '" + col + "' is not in the input " + schema.getFieldNames());
    }
    TypeName type = schema.getField(col).getType().getTypeName();
    if (!type.isNumericType()) {
      throw new IllegalArgumentException(
          family + " rating column '" + col + "' has type " + type + "; expected a number");
    }
    return schema.indexOf(col);
  }

  /**
   * A row as a rating, failing on a null id or rating or a NaN or infinite rating; without a rating
   * column (index -1) every rating is 1. {@code family} ("ALS", "ItemCF", ...) names the input in
   * errors.
   */
  static final class ReadRatingFn extends DoFn<Row, Rating> {
    private final String family;
    private final int user;
    private final int item;
    private final int rating;

    ReadRatingFn(String family, int user, int item, int rating) {
      this.family = family;
      this.user = user;
      this.item = item;
      this.rating = rating;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Rating> out) {
      double value = 1.0;
      if (rating >= 0) {
        Object r = row.getValue(rating);
        value = r == null ? Double.NaN : ((Number) r).doubleValue();
        if (!Double.isFinite(value)) {
          throw new IllegalArgumentException(
              family
                  + " rating column '"
                  + row.getSchema().getField(rating).getName()
                  + "' has value "
                  + r
                  + "; expected a finite number, in row "
                  + RowText.of(row));
        }
      }
      out.output(new Rating(AlsModel.id(row, user), AlsModel.id(row, item), value));
    }
  }

  /** The factor blocks of both sides as one model; fails on an empty input. */
  private static final class AssembleFn extends DoFn<Long, AlsModel> {
    private final int rank;
    private final long seed;
    private final int maxIter;
    private final String userCol;
    private final String itemCol;
    private final String predictionCol;
    private final ColdStartStrategy coldStart;
    private final PCollectionView<Iterable<KV<Integer, FactorBlock>>> users;
    private final PCollectionView<Iterable<KV<Integer, FactorBlock>>> items;
    private final Map<String, String> description;

    AssembleFn(
        Fit fit,
        PCollectionView<Iterable<KV<Integer, FactorBlock>>> users,
        PCollectionView<Iterable<KV<Integer, FactorBlock>>> items,
        Map<String, String> description) {
      this.rank = fit.rank();
      this.seed = fit.seed();
      this.maxIter = fit.maxIter();
      this.userCol = fit.userCol();
      this.itemCol = fit.itemCol();
      this.predictionCol = fit.predictionCol();
      this.coldStart = fit.coldStartStrategy();
      this.users = users;
      this.items = items;
      this.description = description;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      long count = c.element();
      if (count == 0) {
        throw new IllegalArgumentException("ALS input is empty: expected at least one rating");
      }
      FactorBlock u = AlsTraining.sortedTable(blocks(c.sideInput(users)), rank);
      FactorBlock i = AlsTraining.sortedTable(blocks(c.sideInput(items)), rank);
      Provenance provenance = Provenance.of("Als", description, seed, maxIter, Double.NaN, count);
      c.output(
          AlsModel.of(rank, u.ids(), u.factors(), i.ids(), i.factors(), provenance)
              .withUserCol(userCol)
              .withItemCol(itemCol)
              .withPredictionCol(predictionCol)
              .withColdStartStrategy(coldStart));
    }
  }

  private static List<FactorBlock> blocks(Iterable<KV<Integer, FactorBlock>> keyed) {
    List<FactorBlock> blocks = new ArrayList<>();
    keyed.forEach(kv -> blocks.add(kv.getValue()));
    return blocks;
  }

  /** Scores (user, item) rows with an ALS model; see {@link Als#predict}. */
  @AutoValue
  public abstract static class Predict extends PTransform<PCollection<Row>, PCollection<Row>> {
    abstract PCollection<AlsModel> model();

    abstract String userCol();

    abstract String itemCol();

    abstract String predictionCol();

    abstract ColdStartStrategy coldStartStrategy();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setModel(PCollection<AlsModel> model);

      abstract Builder setUserCol(String col);

      abstract Builder setItemCol(String col);

      abstract Builder setPredictionCol(String col);

      abstract Builder setColdStartStrategy(ColdStartStrategy strategy);

      abstract Predict build();
    }

    /** The column of user ids; default "user". */
    public Predict withUserCol(String col) {
      return toBuilder().setUserCol(col).build();
    }

    /** The column of item ids; default "item". */
    public Predict withItemCol(String col) {
      return toBuilder().setItemCol(col).build();
    }

    /** The column of the prediction; default "prediction". */
    public Predict withPredictionCol(String col) {
      return toBuilder().setPredictionCol(col).build();
    }

    /** NAN (default): NaN for an unseen user or item; DROP: such rows are dropped. */
    public Predict withColdStartStrategy(ColdStartStrategy strategy) {
      return toBuilder().setColdStartStrategy(strategy).build();
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      String user = userCol();
      String item = itemCol();
      String prediction = predictionCol();
      ColdStartStrategy coldStart = coldStartStrategy();
      PCollection<Row> scored =
          input.apply(
              "Score",
              ApplyModel.of(
                  model(),
                  in -> AlsModel.outputSchema(in, user, item, prediction),
                  m ->
                      m.withUserCol(user)
                          .withItemCol(item)
                          .withPredictionCol(prediction)
                          .withColdStartStrategy(coldStart)));
      if (coldStart == ColdStartStrategy.NAN) {
        return scored;
      }
      return scored
          .apply("Drop cold starts", Filter.by(r -> !Double.isNaN(r.getDouble(prediction))))
          .setRowSchema(scored.getSchema());
    }
  }

  /**
   * Top-k recommendations for every user (or item) of a model; see {@link
   * Als#recommendForAllUsers}.
   */
  @AutoValue
  public abstract static class RecommendForAll
      extends PTransform<PCollection<AlsModel>, PCollection<Row>> {
    private static final TupleTag<Long> WHO = new TupleTag<>() {};
    private static final TupleTag<Long> SEEN = new TupleTag<>() {};

    abstract boolean forUsers();

    abstract int k();

    abstract String userCol();

    abstract String itemCol();

    abstract @Nullable PCollection<Row> seen();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setForUsers(boolean forUsers);

      abstract Builder setK(int k);

      abstract Builder setUserCol(String col);

      abstract Builder setItemCol(String col);

      abstract Builder setSeen(@Nullable PCollection<Row> seen);

      abstract RecommendForAll build();
    }

    static RecommendForAll of(boolean forUsers, int k) {
      if (k < 1) {
        throw new IllegalArgumentException("Expected k >= 1, got " + k);
      }
      return new AutoValue_Als_RecommendForAll.Builder()
          .setForUsers(forUsers)
          .setK(k)
          .setUserCol("user")
          .setItemCol("item")
          .build();
    }

    /** The name of the user id column, in the output and in {@link #excludingSeen}'s rows. */
    public RecommendForAll withUserCol(String col) {
      return toBuilder().setUserCol(col).build();
    }

    /** The name of the item id column, in the output and in {@link #excludingSeen}'s rows. */
    public RecommendForAll withItemCol(String col) {
      return toBuilder().setItemCol(col).build();
    }

    /**
     * Leaves out of each user's list the items {@code ratings} pairs it with (and out of each
     * item's list the users), as for recommending only what a user has not seen: rows with user and
     * item ids (INT32 or INT64) in the user and item columns.
     */
    public RecommendForAll excludingSeen(PCollection<Row> ratings) {
      return toBuilder().setSeen(ratings).build();
    }

    /** The output schema: the id, and the recommendations best first. */
    public Schema outputSchema() {
      String who = forUsers() ? userCol() : itemCol();
      String what = forUsers() ? itemCol() : userCol();
      Schema entry = Schema.builder().addInt64Field(what).addDoubleField("rating").build();
      return Schema.builder()
          .addInt64Field(who)
          .addArrayField("recommendations", Schema.FieldType.row(entry))
          .build();
    }

    @Override
    public PCollection<Row> expand(PCollection<AlsModel> model) {
      LargeSingleton<AlsModel> view = LargeSingleton.of(model, "Model as side input");
      boolean forUsers = forUsers();
      KvCoder<Long, Long> pairs = KvCoder.of(VarLongCoder.of(), VarLongCoder.of());
      PCollection<KV<Long, Long>> who =
          model.apply("Ids", ParDo.of(new IdsFn(forUsers))).setCoder(pairs);
      KeyedPCollectionTuple<Long> joined = KeyedPCollectionTuple.of(WHO, who);
      if (seen() != null) {
        Schema schema = seen().getSchema();
        int user = AlsModel.idColumn(schema, userCol(), "user");
        int item = AlsModel.idColumn(schema, itemCol(), "item");
        PCollection<KV<Long, Long>> seenPairs =
            seen()
                .apply("Seen pairs", ParDo.of(new SeenPairsFn(user, item, forUsers)))
                .setCoder(pairs);
        joined = joined.and(SEEN, seenPairs);
      }
      Schema output = outputSchema();
      return joined
          .apply("Join seen", CoGroupByKey.create())
          .apply(
              "Top " + k(),
              ParDo.of(new TopFn(view, forUsers, seen() != null, k(), output))
                  .withSideInputs(view.view()))
          .setRowSchema(output);
    }

    /** Every user (or item) id of the model, as a key. */
    private static final class IdsFn extends DoFn<AlsModel, KV<Long, Long>> {
      private final boolean forUsers;

      IdsFn(boolean forUsers) {
        this.forUsers = forUsers;
      }

      @ProcessElement
      public void process(@Element AlsModel m, OutputReceiver<KV<Long, Long>> out) {
        for (long id : forUsers ? m.userIds() : m.itemIds()) {
          out.output(KV.of(id, id));
        }
      }
    }

    /** A rating row as (user, item), or (item, user) for the items' lists. */
    private static final class SeenPairsFn extends DoFn<Row, KV<Long, Long>> {
      private final int user;
      private final int item;
      private final boolean forUsers;

      SeenPairsFn(int user, int item, boolean forUsers) {
        this.user = user;
        this.item = item;
        this.forUsers = forUsers;
      }

      @ProcessElement
      public void process(@Element Row row, OutputReceiver<KV<Long, Long>> out) {
        long u = AlsModel.id(row, user);
        long i = AlsModel.id(row, item);
        out.output(forUsers ? KV.of(u, i) : KV.of(i, u));
      }
    }

    private static final class TopFn extends DoFn<KV<Long, CoGbkResult>, Row> {
      private final LargeSingleton<AlsModel> model;
      private final boolean forUsers;
      private final boolean excluding;
      private final int k;
      private final Schema output;

      TopFn(
          LargeSingleton<AlsModel> model,
          boolean forUsers,
          boolean excluding,
          int k,
          Schema output) {
        this.model = model;
        this.forUsers = forUsers;
        this.excluding = excluding;
        this.k = k;
        this.output = output;
      }

      @ProcessElement
      public void process(ProcessContext c) {
        CoGbkResult r = c.element().getValue();
        if (!r.getAll(WHO).iterator().hasNext()) {
          return;
        }
        long id = c.element().getKey();
        Set<Long> exclude = new HashSet<>();
        if (excluding) {
          r.getAll(SEEN).forEach(exclude::add);
        }
        AlsModel m = model.get(c);
        List<Recommendation> top =
            forUsers ? m.recommendItems(id, k, exclude) : m.recommendUsers(id, k, exclude);
        Schema entry =
            output.getField("recommendations").getType().getCollectionElementType().getRowSchema();
        List<Row> list = new ArrayList<>(top.size());
        for (Recommendation rec : top) {
          list.add(Row.withSchema(entry).addValues(rec.id(), rec.rating()).build());
        }
        c.output(Row.withSchema(output).addValues(id, list).build());
      }
    }
  }
}
