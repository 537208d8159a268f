package org.beamlink.transforms.recommendation;

import com.google.auto.value.AutoValue;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.recommendation.IdColumn;
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.models.recommendation.Recommendation;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.transforms.pipeline.LargeSingleton;

/**
 * Serving a {@link NeighbourhoodModel} (from {@link ItemCf}, {@link UserCf} or {@link Swing}): the
 * top k items of every user ({@link #recommendForAllUsers}) and users of every item ({@link
 * #recommendForAllItems}), the k nearest neighbours of every item or user ({@link #neighbours}),
 * and the top k items of each user id in a stream of rows, the model a side input ({@link
 * #recommend}). Lists are best first, equal scores by ascending id; the scores are the model's
 * ({@link NeighbourhoodModel#recommendItems}).
 *
 * <pre>{@code
 * PCollection<NeighbourhoodModel> model = ratings.apply(ItemCf.fit().withRatingCol("rating"));
 * PCollection<Row> top10 = model.apply(Neighbourhood.recommendForAllUsers(10).excludingSeen());
 * PCollection<Row> audience = model.apply(Neighbourhood.recommendForAllItems(10)); // item, users
 * PCollection<Row> similar = model.apply(Neighbourhood.neighbours(5));
 * PCollection<Row> served = events.apply(Neighbourhood.recommend(model, 10)); // + recommendations
 * }</pre>
 */
public final class Neighbourhood {
  private Neighbourhood() {}

  private static void checkK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("Expected k >= 1, got " + k);
    }
  }

  /** The list schema: rows of {@code idCol} INT64 and {@code scoreCol} DOUBLE. */
  private static Schema entry(String idCol, String scoreCol) {
    return Schema.builder().addInt64Field(idCol).addDoubleField(scoreCol).build();
  }

  private static List<Row> rows(Schema entry, List<Recommendation> list) {
    List<Row> out = new ArrayList<>(list.size());
    for (Recommendation r : list) {
      out.add(Row.withSchema(entry).addValues(r.id(), r.rating()).build());
    }
    return out;
  }

  /**
   * The top {@code k} items of every user of the one model it is applied to: rows of {@code user}
   * (INT64) and {@code recommendations} (ARRAY of ROW of {@code item} INT64 and {@code score}
   * DOUBLE). Users without a recommendation get an empty list.
   */
  public static RecommendForAll recommendForAllUsers(int k) {
    return RecommendForAll.of(true, k);
  }

  /**
   * The top {@code k} users of every item of the one model it is applied to, by the score each
   * user's list gives the item ({@link NeighbourhoodModel#recommendUsers}): rows of {@code item}
   * (INT64) and {@code recommendations} (ARRAY of ROW of {@code user} INT64 and {@code score}
   * DOUBLE). Items no user is linked to get an empty list.
   */
  public static RecommendForAll recommendForAllItems(int k) {
    return RecommendForAll.of(false, k);
  }

  /**
   * The {@code k} nearest neighbours of every item (users for UserCF) that has one: rows of {@code
   * id} (INT64) and {@code neighbours} (ARRAY of ROW of {@code id} INT64 and {@code similarity}
   * DOUBLE).
   */
  public static Neighbours neighbours(int k) {
    checkK(k);
    return new Neighbours(k);
  }

  /**
   * The top {@code k} items of the user in each row of a bounded or unbounded input, with the one
   * model in {@code model} as a side input: the row with {@code recommendations} (ARRAY of ROW of
   * {@code item} INT64 and {@code score} DOUBLE) appended; empty for a user the model never saw.
   */
  public static Recommend recommend(PCollection<NeighbourhoodModel> model, int k) {
    checkK(k);
    return new AutoValue_Neighbourhood_Recommend.Builder()
        .setModel(model)
        .setK(k)
        .setExcludeSeen(false)
        .setUserCol("user")
        .setOutputCol("recommendations")
        .build();
  }

  /**
   * Top-k items for every user, or users for every item; see {@link
   * Neighbourhood#recommendForAllUsers} and {@link Neighbourhood#recommendForAllItems}.
   */
  @AutoValue
  public abstract static class RecommendForAll
      extends PTransform<PCollection<NeighbourhoodModel>, PCollection<Row>> {
    abstract boolean forUsers();

    abstract int k();

    abstract boolean excludeSeen();

    abstract String userCol();

    abstract String itemCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setForUsers(boolean forUsers);

      abstract Builder setK(int k);

      abstract Builder setExcludeSeen(boolean excluding);

      abstract Builder setUserCol(String col);

      abstract Builder setItemCol(String col);

      abstract RecommendForAll build();
    }

    static RecommendForAll of(boolean forUsers, int k) {
      checkK(k);
      return new AutoValue_Neighbourhood_RecommendForAll.Builder()
          .setForUsers(forUsers)
          .setK(k)
          .setExcludeSeen(false)
          .setUserCol("user")
          .setItemCol("item")
          .build();
    }

    /**
     * Leaves out of each user's list the items the user interacted with in training (out of each
     * item's list its users).
     */
    public RecommendForAll excludingSeen() {
      return toBuilder().setExcludeSeen(true).build();
    }

    /** The name of the user id, in the output rows or their recommendations; default "user". */
    public RecommendForAll withUserCol(String col) {
      return toBuilder().setUserCol(col).build();
    }

    /** The name of the item id, in the output rows or their recommendations; default "item". */
    public RecommendForAll withItemCol(String col) {
      return toBuilder().setItemCol(col).build();
    }

    /** The output schema: the user (item), and the recommended items (users) best first. */
    public Schema outputSchema() {
      String who = forUsers() ? userCol() : itemCol();
      String what = forUsers() ? itemCol() : userCol();
      return Schema.builder()
          .addInt64Field(who)
          .addArrayField("recommendations", Schema.FieldType.row(entry(what, "score")))
          .build();
    }

    @Override
    public PCollection<Row> expand(PCollection<NeighbourhoodModel> model) {
      LargeSingleton<NeighbourhoodModel> view = LargeSingleton.of(model, "Model as side input");
      Schema output = outputSchema();
      return model
          .apply(forUsers() ? "Users" : "Items", ParDo.of(new IdsFn(forUsers())))
          .setCoder(VarLongCoder.of())
          .apply("Spread ids", Reshuffle.viaRandomKey())
          .apply(
              "Top " + k(),
              ParDo.of(new TopFn(view, forUsers(), k(), excludeSeen(), output))
                  .withSideInputs(view.view()))
          .setRowSchema(output);
    }

    /** Every user (item) of the model. */
    private static final class IdsFn extends DoFn<NeighbourhoodModel, Long> {
      private final boolean forUsers;

      IdsFn(boolean forUsers) {
        this.forUsers = forUsers;
      }

      @ProcessElement
      public void process(@Element NeighbourhoodModel m, OutputReceiver<Long> out) {
        for (long id : forUsers ? m.userIds() : m.itemIds()) {
          out.output(id);
        }
      }
    }

    private static final class TopFn extends DoFn<Long, Row> {
      private final LargeSingleton<NeighbourhoodModel> model;
      private final boolean forUsers;
      private final int k;
      private final boolean excludingSeen;
      private final Schema output;

      TopFn(
          LargeSingleton<NeighbourhoodModel> model,
          boolean forUsers,
          int k,
          boolean excludingSeen,
          Schema output) {
        this.model = model;
        this.forUsers = forUsers;
        this.k = k;
        this.excludingSeen = excludingSeen;
        this.output = output;
      }

      @ProcessElement
      public void process(ProcessContext c) {
        long id = c.element();
        NeighbourhoodModel m = model.get(c);
        List<Recommendation> top =
            forUsers
                ? m.recommendItems(id, k, excludingSeen)
                : m.recommendUsers(id, k, excludingSeen);
        Schema entry =
            output.getField("recommendations").getType().getCollectionElementType().getRowSchema();
        c.output(Row.withSchema(output).addValues(id, rows(entry, top)).build());
      }
    }
  }

  /** The nearest neighbours of every item or user; see {@link Neighbourhood#neighbours}. */
  public static final class Neighbours
      extends PTransform<PCollection<NeighbourhoodModel>, PCollection<Row>> {
    /** The output schema: the id, and its neighbours best first. */
    public static final Schema OUTPUT =
        Schema.builder()
            .addInt64Field("id")
            .addArrayField("neighbours", Schema.FieldType.row(entry("id", "similarity")))
            .build();

    private final int k;

    private Neighbours(int k) {
      this.k = k;
    }

    @Override
    public PCollection<Row> expand(PCollection<NeighbourhoodModel> model) {
      return model.apply("Neighbours", ParDo.of(new NeighboursFn(k))).setRowSchema(OUTPUT);
    }

    private static final class NeighboursFn extends DoFn<NeighbourhoodModel, Row> {
      private final int k;

      NeighboursFn(int k) {
        this.k = k;
      }

      @ProcessElement
      public void process(@Element NeighbourhoodModel m, OutputReceiver<Row> out) {
        Schema entry =
            OUTPUT.getField("neighbours").getType().getCollectionElementType().getRowSchema();
        for (long id : m.subjectIds()) {
          out.output(
              Row.withSchema(OUTPUT).addValues(id, rows(entry, m.neighbours(id, k))).build());
        }
      }
    }
  }

  /** Top-k items for the user of each row; see {@link Neighbourhood#recommend}. */
  @AutoValue
  public abstract static class Recommend extends PTransform<PCollection<Row>, PCollection<Row>> {
    abstract PCollection<NeighbourhoodModel> model();

    abstract int k();

    abstract boolean excludeSeen();

    abstract String userCol();

    abstract String outputCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setModel(PCollection<NeighbourhoodModel> model);

      abstract Builder setK(int k);

      abstract Builder setExcludeSeen(boolean excluding);

      abstract Builder setUserCol(String col);

      abstract Builder setOutputCol(String col);

      abstract Recommend build();
    }

    /** Leaves out the items the user interacted with in training. */
    public Recommend excludingSeen() {
      return toBuilder().setExcludeSeen(true).build();
    }

    /** The column of user ids (INT32 or INT64); default "user". */
    public Recommend withUserCol(String col) {
      return toBuilder().setUserCol(col).build();
    }

    /** The column the list goes to; default "recommendations". */
    public Recommend withOutputCol(String col) {
      return toBuilder().setOutputCol(col).build();
    }

    /** The schema of {@code input} rows with the list appended. */
    public Schema outputSchema(Schema input) {
      IdColumn.index(input, userCol(), "user", "Recommender");
      return OutputColumns.append(
          input,
          Schema.Field.of(
              outputCol(), Schema.FieldType.array(Schema.FieldType.row(entry("item", "score")))));
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      Schema output = outputSchema(input.getSchema());
      LargeSingleton<NeighbourhoodModel> view = LargeSingleton.of(model(), "Model as side input");
      int user = input.getSchema().indexOf(userCol());
      return input
          .apply(
              "Recommend",
              ParDo.of(new RecommendFn(view, user, k(), excludeSeen(), output))
                  .withSideInputs(view.view()))
          .setRowSchema(output);
    }

    private static final class RecommendFn extends DoFn<Row, Row> {
      private final LargeSingleton<NeighbourhoodModel> model;
      private final int user;
      private final int k;
      private final boolean excludingSeen;
      private final Schema output;

      RecommendFn(
          LargeSingleton<NeighbourhoodModel> model,
          int user,
          int k,
          boolean excludingSeen,
          Schema output) {
        this.model = model;
        this.user = user;
        this.k = k;
        this.excludingSeen = excludingSeen;
        this.output = output;
      }

      @ProcessElement
      public void process(ProcessContext c) {
        Row row = c.element();
        List<Recommendation> top =
            model.get(c).recommendItems(IdColumn.value(row, user), k, excludingSeen);
        Schema entry =
            output
                .getField(output.getFieldCount() - 1)
                .getType()
                .getCollectionElementType()
                .getRowSchema();
        c.output(OutputColumns.row(output, row, rows(entry, top)));
      }
    }
  }
}
