package org.beamlink.transforms.recommendation;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.recommendation.IdColumn;
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.models.recommendation.NeighbourhoodModel.Side;
import org.beamlink.models.recommendation.NeighbourhoodModelCoder;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.recommendation.AlsBlocks.Rating;
import org.beamlink.transforms.recommendation.AlsBlocks.RatingBlock;

/**
 * Swing, Alibaba's item-to-item similarity from user-item-user triangles, as Alink's {@code
 * SwingTrainBatchOp}: {@code sim(i, j) = sum over pairs of users (u, v) who both interacted with i
 * and j of w_u w_v / (alpha + |I_u and I_v|)}, with {@code I_u} the items of {@code u} and the user
 * weight {@code w_u = 1 / (userAlpha + |I_u|)^userBeta}. As Alink: only users with {@code
 * minUserItems <= |I_u| <= maxUserItems} take part (the others are dropped, not sampled: this is
 * how Swing bounds the pairs an active user makes); the pairs of item {@code i} are those of at
 * most {@code maxItemNumber} of its users (Alink keeps a random reservoir; here the users with the
 * smallest hash of (seed, item, user), so every runner keeps the same), which bounds the quadratic
 * work of a popular item; with {@code resultNormalize} each item's similarities are divided by its
 * largest. The sums are in double (Alink's in float). Repeated (user, item) rows count once.
 *
 * <p>How it scales: the interactions are grouped by blocks of users; each kept user sends its item
 * list to each of its items (a user of {@code m} items sends {@code m^2} ids), and each item,
 * grouped with its users' lists, sums its pairs on its own. The model ({@link NeighbourhoodModel},
 * side ITEMS, similarity SWING, implicit) holds every item's neighbours (all of them by default;
 * {@code maxNeighbours} cuts to the best) and every interaction, and recommends as ItemCF does.
 *
 * <p>Parameters (Alink's defaults): {@code userCol} "user", {@code itemCol} "item" (INT32 or
 * INT64); {@code alpha} 1.0; {@code userAlpha} 5.0; {@code userBeta} -0.35; {@code minUserItems}
 * 10; {@code maxUserItems} 1000; {@code maxItemNumber} 1000; {@code resultNormalize} false; and
 * {@code maxNeighbours} unlimited, {@code numBlocks} 10, {@code seed} 0, {@code predictionCol}
 * "prediction" (as a pipeline stage, {@link Fit#fitStage}, the model appends the rate of each row's
 * (user, item) there).
 *
 * <pre>{@code
 * PCollection<NeighbourhoodModel> model =
 *     clicks.apply(Swing.fit().withMinUserItems(2).withAlpha(1.0));
 * PCollection<Row> similar = model.apply(Neighbourhood.neighbours(10));
 * }</pre>
 *
 * <p>Reference: X. Yang et al., Large Scale Product Graph Construction for Recommendation in
 * E-commerce (arXiv 2010.05525); Alink's {@code SwingTrainBatchOp}.
 */
public final class Swing {
  private Swing() {}

  /** A Swing trainer with every default set. */
  public static Fit fit() {
    return new AutoValue_Swing_Fit.Builder()
        .setUserCol("user")
        .setItemCol("item")
        .setPredictionCol("prediction")
        .setAlpha(1.0)
        .setUserAlpha(5.0)
        .setUserBeta(-0.35)
        .setMinUserItems(10)
        .setMaxUserItems(1000)
        .setMaxItemNumber(1000)
        .setResultNormalize(false)
        .setMaxNeighbours(Integer.MAX_VALUE)
        .setNumBlocks(10)
        .setSeed(0L)
        .build();
  }

  /** Trains a Swing {@link NeighbourhoodModel}; see {@link Swing} for the parameters. */
  @AutoValue
  public abstract static class Fit
      extends PTransform<PCollection<Row>, PCollection<NeighbourhoodModel>>
      implements PipelineStage {
    abstract String userCol();

    abstract String itemCol();

    abstract String predictionCol();

    abstract double alpha();

    abstract double userAlpha();

    abstract double userBeta();

    abstract int minUserItems();

    abstract int maxUserItems();

    abstract int maxItemNumber();

    abstract boolean resultNormalize();

    abstract int maxNeighbours();

    abstract int numBlocks();

    abstract long seed();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setUserCol(String col);

      abstract Builder setItemCol(String col);

      abstract Builder setPredictionCol(String col);

      abstract Builder setAlpha(double alpha);

      abstract Builder setUserAlpha(double alpha);

      abstract Builder setUserBeta(double beta);

      abstract Builder setMinUserItems(int n);

      abstract Builder setMaxUserItems(int n);

      abstract Builder setMaxItemNumber(int n);

      abstract Builder setResultNormalize(boolean normalize);

      abstract Builder setMaxNeighbours(int n);

      abstract Builder setNumBlocks(int n);

      abstract Builder setSeed(long seed);

      abstract Fit build();
    }

    private static double finite(String name, double v) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("Expected a finite " + name + ", got " + v);
      }
      return v;
    }

    private static int atLeast(String name, int min, int n) {
      if (n < min) {
        throw new IllegalArgumentException("Expected " + name + " >= " + min + ", got " + n);
      }
      return n;
    }

    /** The column of user ids (INT32 or INT64); default "user". */
    public Fit withUserCol(String col) {
      return toBuilder().setUserCol(col).build();
    }

    /** The column of item ids (INT32 or INT64); default "item". */
    public Fit withItemCol(String col) {
      return toBuilder().setItemCol(col).build();
    }

    /** The column the model appends its prediction to; default "prediction". */
    public Fit withPredictionCol(String col) {
      return toBuilder().setPredictionCol(col).build();
    }

    /** Fits the model and makes it a pipeline stage: it rates (user, item) rows. */
    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      return NeighbourTables.fitStage(input, this, userCol(), itemCol(), predictionCol());
    }

    /** The smoothing of a user pair's overlap, {@code 1 / (alpha + overlap)}; > 0, default 1. */
    public Fit withAlpha(double alpha) {
      if (!(finite("alpha", alpha) > 0)) {
        throw new IllegalArgumentException("Expected alpha > 0, got " + alpha);
      }
      return toBuilder().setAlpha(alpha).build();
    }

    /** The user weight's {@code userAlpha} in {@code 1 / (userAlpha + |I_u|)^userBeta}; 5. */
    public Fit withUserAlpha(double userAlpha) {
      if (!(finite("userAlpha", userAlpha) > 0)) {
        throw new IllegalArgumentException("Expected userAlpha > 0, got " + userAlpha);
      }
      return toBuilder().setUserAlpha(userAlpha).build();
    }

    /** The user weight's exponent; default -0.35 (Alink's). */
    public Fit withUserBeta(double userBeta) {
      return toBuilder().setUserBeta(finite("userBeta", userBeta)).build();
    }

    /** Users with fewer items take no part, >= 1; default 10. */
    public Fit withMinUserItems(int n) {
      return toBuilder().setMinUserItems(atLeast("minUserItems", 1, n)).build();
    }

    /** Users with more items take no part, >= 1; default 1000. */
    public Fit withMaxUserItems(int n) {
      return toBuilder().setMaxUserItems(atLeast("maxUserItems", 1, n)).build();
    }

    /** The most users of one item whose pairs count (a hashed sample), >= 2; default 1000. */
    public Fit withMaxItemNumber(int n) {
      return toBuilder().setMaxItemNumber(atLeast("maxItemNumber", 2, n)).build();
    }

    /** Divides each item's similarities by its largest; default false. */
    public Fit withResultNormalize(boolean normalize) {
      return toBuilder().setResultNormalize(normalize).build();
    }

    /** Neighbours kept per item, >= 1; default all. */
    public Fit withMaxNeighbours(int n) {
      return toBuilder().setMaxNeighbours(atLeast("maxNeighbours", 1, n)).build();
    }

    /** Blocks the users are hashed into, >= 1; default 10. */
    public Fit withNumBlocks(int n) {
      return toBuilder().setNumBlocks(atLeast("numBlocks", 1, n)).build();
    }

    /** The seed of the sample of an item's users beyond {@code maxItemNumber}; default 0. */
    public Fit withSeed(long seed) {
      return toBuilder().setSeed(seed).build();
    }

    @Override
    public PCollection<NeighbourhoodModel> expand(PCollection<Row> input) {
      Schema schema = input.getSchema();
      int user = IdColumn.index(schema, userCol(), "user", "Swing");
      int item = IdColumn.index(schema, itemCol(), "item", "Swing");
      if (userCol().equals(itemCol())) {
        throw new IllegalArgumentException(
            "Expected distinct Swing user and item columns, got " + userCol());
      }
      if (minUserItems() > maxUserItems()) {
        throw new IllegalArgumentException(
            "Expected minUserItems <= maxUserItems, got "
                + minUserItems()
                + " > "
                + maxUserItems());
      }
      KvCoder<Long, Long> pairCoder = KvCoder.of(VarLongCoder.of(), VarLongCoder.of());
      PCollection<Rating> ratings =
          input
              .apply("Read interactions", ParDo.of(new Als.ReadRatingFn("Swing", user, item, -1)))
              .setCoder(AlsBlocks.RatingCoder.INSTANCE)
              .apply("As pairs", ParDo.of(new AsPairFn()))
              .setCoder(pairCoder)
              .apply("Once per pair", Distinct.create())
              .apply("As interactions", ParDo.of(new AsRatingFn()))
              .setCoder(AlsBlocks.RatingCoder.INSTANCE);
      PCollection<KV<Long, KV<Long, Double>>> similar =
          ratings
              .apply("Group by user block", AlsTraining.blocks("Swing", true, numBlocks()))
              .apply("Users' items", ParDo.of(new UserItemsFn(minUserItems(), maxUserItems())))
              .setCoder(
                  KvCoder.of(
                      VarLongCoder.of(),
                      KvCoder.of(VarLongCoder.of(), ListCoder.of(VarLongCoder.of()))))
              .apply("Group by item", GroupByKey.create())
              .apply(
                  "Swing",
                  ParDo.of(
                      new SwingFn(
                          alpha(),
                          userAlpha(),
                          userBeta(),
                          maxItemNumber(),
                          resultNormalize(),
                          seed())))
              .setCoder(
                  KvCoder.of(VarLongCoder.of(), KvCoder.of(VarLongCoder.of(), DoubleCoder.of())));
      return NeighbourTables.model(
              ratings,
              similar,
              maxNeighbours(),
              new NeighbourTables.Description(
                  Side.ITEMS, "SWING", true, "Swing", "Swing", seed(), description()))
          .apply(
              "Columns",
              ParDo.of(new NeighbourTables.ColumnsFn(userCol(), itemCol(), predictionCol())))
          .setCoder(NeighbourhoodModelCoder.of());
    }

    private Map<String, String> description() {
      Map<String, String> d = new TreeMap<>();
      d.put("alpha", Double.toString(alpha()));
      d.put("userAlpha", Double.toString(userAlpha()));
      d.put("userBeta", Double.toString(userBeta()));
      d.put("minUserItems", Integer.toString(minUserItems()));
      d.put("maxUserItems", Integer.toString(maxUserItems()));
      d.put("maxItemNumber", Integer.toString(maxItemNumber()));
      d.put("resultNormalize", Boolean.toString(resultNormalize()));
      d.put("maxNeighbours", Integer.toString(maxNeighbours()));
      d.put("numBlocks", Integer.toString(numBlocks()));
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

  /** An interaction as its (user, item) pair. */
  private static final class AsPairFn extends DoFn<Rating, KV<Long, Long>> {
    @ProcessElement
    public void process(@Element Rating r, OutputReceiver<KV<Long, Long>> out) {
      out.output(KV.of(r.user(), r.item()));
    }
  }

  /** A (user, item) pair as an interaction of rating 1. */
  private static final class AsRatingFn extends DoFn<KV<Long, Long>, Rating> {
    @ProcessElement
    public void process(@Element KV<Long, Long> p, OutputReceiver<Rating> out) {
      out.output(new Rating(p.getKey(), p.getValue(), 1.0));
    }
  }

  /** Each kept user's item list (ascending), sent to each of its items. */
  private static final class UserItemsFn
      extends DoFn<KV<Integer, RatingBlock>, KV<Long, KV<Long, List<Long>>>> {
    private final int min;
    private final int max;

    UserItemsFn(int min, int max) {
      this.min = min;
      this.max = max;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, RatingBlock> block,
        OutputReceiver<KV<Long, KV<Long, List<Long>>>> out) {
      RatingBlock b = block.getValue();
      for (int u = 0; u < b.ids().length; u++) {
        int start = b.starts()[u];
        int end = b.starts()[u + 1];
        if (end - start < min || end - start > max) {
          continue;
        }
        List<Long> items = new ArrayList<>(end - start);
        for (int e = start; e < end; e++) {
          items.add(b.others()[e]);
        }
        for (long item : items) {
          out.output(KV.of(item, KV.of(b.ids()[u], items)));
        }
      }
    }
  }

  /** One item's Swing similarities to every item its users' pairs share, from its users' lists. */
  private static final class SwingFn
      extends DoFn<KV<Long, Iterable<KV<Long, List<Long>>>>, KV<Long, KV<Long, Double>>> {
    private final double alpha;
    private final double userAlpha;
    private final double userBeta;
    private final int maxItemNumber;
    private final boolean normalize;
    private final long seed;

    SwingFn(
        double alpha,
        double userAlpha,
        double userBeta,
        int maxItemNumber,
        boolean normalize,
        long seed) {
      this.alpha = alpha;
      this.userAlpha = userAlpha;
      this.userBeta = userBeta;
      this.maxItemNumber = maxItemNumber;
      this.normalize = normalize;
      this.seed = seed;
    }

    @ProcessElement
    public void process(
        @Element KV<Long, Iterable<KV<Long, List<Long>>>> e,
        OutputReceiver<KV<Long, KV<Long, Double>>> out) {
      long item = e.getKey();
      List<KV<Long, List<Long>>> users = new ArrayList<>();
      e.getValue().forEach(users::add);
      if (users.size() > maxItemNumber) {
        users.sort(
            Comparator.<KV<Long, List<Long>>>comparingLong(
                    u -> NeighbourTables.sampleHash(seed, item, u.getKey()))
                .thenComparingLong(KV::getKey));
        users = new ArrayList<>(users.subList(0, maxItemNumber));
      }
      users.sort(Comparator.comparingLong(KV::getKey));
      int n = users.size();
      long[][] lists = new long[n][];
      double[] weights = new double[n];
      for (int u = 0; u < n; u++) {
        lists[u] = users.get(u).getValue().stream().mapToLong(Long::longValue).toArray();
        weights[u] = 1.0 / Math.pow(userAlpha + lists[u].length, userBeta);
      }
      Map<Long, double[]> sims = new HashMap<>();
      long[] common = new long[0];
      for (int u = 0; u < n; u++) {
        for (int v = u + 1; v < n; v++) {
          if (common.length < Math.min(lists[u].length, lists[v].length)) {
            common = new long[Math.min(lists[u].length, lists[v].length)];
          }
          int size = intersect(lists[u], lists[v], common);
          double s = weights[u] * weights[v] / (alpha + size);
          for (int c = 0; c < size; c++) {
            if (common[c] != item) {
              sims.computeIfAbsent(common[c], x -> new double[1])[0] += s;
            }
          }
        }
      }
      double max = 0;
      for (double[] s : sims.values()) {
        max = Math.max(max, s[0]);
      }
      double scale = normalize && max > 0 ? max : 1.0;
      long[] neighbours = sims.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
      for (long j : neighbours) {
        out.output(KV.of(item, KV.of(j, sims.get(j)[0] / scale)));
      }
    }

    /** The ids in both ascending lists, into {@code out}; returns how many. */
    private static int intersect(long[] a, long[] b, long[] out) {
      int i = 0;
      int j = 0;
      int n = 0;
      while (i < a.length && j < b.length) {
        if (a[i] == b[j]) {
          out[n++] = a[i];
          i++;
          j++;
        } else if (a[i] < b[j]) {
          i++;
        } else {
          j++;
        }
      }
      return n;
    }
  }
}
