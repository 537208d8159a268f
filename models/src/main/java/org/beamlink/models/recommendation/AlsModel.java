package org.beamlink.models.recommendation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.OutputColumns;

/**
 * A trained ALS model: a factor vector of size {@code rank} for every user and every item seen in
 * training, kept as two tables sorted by id; the predicted rating of (user, item) is the dot
 * product of their factors. As a pipeline stage ({@link Transformer}) it reads the user and item
 * ids from {@code userCol} and {@code itemCol} (INT32 or INT64) and appends the prediction (DOUBLE)
 * to {@code predictionCol}; a user or item it never saw gets NaN ({@link ColdStartStrategy}: {@code
 * Als.predict} drops those rows under {@link ColdStartStrategy#DROP}). Immutable.
 *
 * <p>Format {@code als-model}: the columns, the cold-start strategy, both factor tables and the
 * provenance.
 *
 * <pre>{@code
 * AlsModel model = ...; // from Als.fit()
 * double r = model.predict(42L, 7L);                       // NaN for an unseen user or item
 * List<Recommendation> top = model.recommendItems(42L, 10, Set.of(7L));
 * Row scored = model.bind(schema).apply(row);              // row + "prediction"
 * }</pre>
 */
public final class AlsModel implements Transformer {
  private static final long serialVersionUID = 1L;

  /** Best first; equal ratings by ascending id, so that a top-k list is the same everywhere. */
  private static final Comparator<Recommendation> BEST_FIRST =
      Comparator.comparingDouble(Recommendation::rating)
          .reversed()
          .thenComparingLong(Recommendation::id);

  private final int rank;
  private final long[] userIds;
  private final double[] userFactors;
  private final long[] itemIds;
  private final double[] itemFactors;
  private final String userCol;
  private final String itemCol;
  private final String predictionCol;
  private final ColdStartStrategy coldStart;
  private final Provenance provenance;

  private AlsModel(
      int rank,
      long[] userIds,
      double[] userFactors,
      long[] itemIds,
      double[] itemFactors,
      String userCol,
      String itemCol,
      String predictionCol,
      ColdStartStrategy coldStart,
      Provenance provenance) {
    this.rank = rank;
    this.userIds = userIds;
    this.userFactors = userFactors;
    this.itemIds = itemIds;
    this.itemFactors = itemFactors;
    this.userCol = userCol;
    this.itemCol = itemCol;
    this.predictionCol = predictionCol;
    this.coldStart = Objects.requireNonNull(coldStart);
    this.provenance = Objects.requireNonNull(provenance);
  }

  /**
   * A model of {@code rank} factors per id: {@code userFactors} holds the factors of {@code
   * userIds[i]} at {@code [i * rank, (i + 1) * rank)}, likewise for items (all copied). Columns
   * "user", "item" and "prediction", cold-start strategy NAN.
   *
   * @throws IllegalArgumentException for rank < 1, ids not strictly ascending, or tables whose
   *     sizes do not match
   */
  public static AlsModel of(
      int rank,
      long[] userIds,
      double[] userFactors,
      long[] itemIds,
      double[] itemFactors,
      Provenance provenance) {
    if (rank < 1) {
      throw new IllegalArgumentException("Expected rank >= 1, got " + rank);
    }
    checkTable("user", rank, userIds, userFactors);
    checkTable("item", rank, itemIds, itemFactors);
    return new AlsModel(
        rank,
        userIds.clone(),
        userFactors.clone(),
        itemIds.clone(),
        itemFactors.clone(),
        "user",
        "item",
        "prediction",
        ColdStartStrategy.NAN,
        provenance);
  }

  private static void checkTable(String what, int rank, long[] ids, double[] factors) {
    if (factors.length != (long) ids.length * rank) {
      throw new IllegalArgumentException(
          "Expected "
              + ids.length
              + " "
              + what
              + " factors of rank "
              + rank
              + " ("
              + (long) ids.length * rank
              + " values), got "
              + factors.length
              + " values");
    }
    for (int i = 1; i < ids.length; i++) {
      if (ids[i] <= ids[i - 1]) {
        throw new IllegalArgumentException(
            "Expected "
                + what
                + " ids in strictly ascending order, got "
                + ids[i - 1]
                + " then "
                + ids[i]);
      }
    }
  }

  private AlsModel with(
      String userCol, String itemCol, String predictionCol, ColdStartStrategy coldStart) {
    OutputColumns.of(userCol, itemCol, predictionCol);
    return new AlsModel(
        rank,
        userIds,
        userFactors,
        itemIds,
        itemFactors,
        userCol,
        itemCol,
        predictionCol,
        coldStart,
        provenance);
  }

  /** The same model reading user ids from {@code col}. */
  public AlsModel withUserCol(String col) {
    return with(col, itemCol, predictionCol, coldStart);
  }

  /** The same model reading item ids from {@code col}. */
  public AlsModel withItemCol(String col) {
    return with(userCol, col, predictionCol, coldStart);
  }

  /** The same model appending its prediction to {@code col}. */
  public AlsModel withPredictionCol(String col) {
    return with(userCol, itemCol, col, coldStart);
  }

  /** The same model with another cold-start strategy. */
  public AlsModel withColdStartStrategy(ColdStartStrategy strategy) {
    return with(userCol, itemCol, predictionCol, strategy);
  }

  /** The column of user ids. */
  public String userCol() {
    return userCol;
  }

  /** The column of item ids. */
  public String itemCol() {
    return itemCol;
  }

  /** The column the prediction goes to. */
  public String predictionCol() {
    return predictionCol;
  }

  /** What scoring does with an unseen user or item. */
  public ColdStartStrategy coldStartStrategy() {
    return coldStart;
  }

  /** Factors per user and per item. */
  public int rank() {
    return rank;
  }

  /** How the model was made. */
  public Provenance provenance() {
    return provenance;
  }

  /** The users, ascending (a copy). */
  public long[] userIds() {
    return userIds.clone();
  }

  /** The items, ascending (a copy). */
  public long[] itemIds() {
    return itemIds.clone();
  }

  /** Every user's factors in the order of {@link #userIds()} (a copy). */
  public double[] userFactorValues() {
    return userFactors.clone();
  }

  /** Every item's factors in the order of {@link #itemIds()} (a copy). */
  public double[] itemFactorValues() {
    return itemFactors.clone();
  }

  /** The factors of {@code user}, or null for a user not seen in training. */
  public double[] userFactors(long user) {
    return factors(userIds, userFactors, user);
  }

  /** The factors of {@code item}, or null for an item not seen in training. */
  public double[] itemFactors(long item) {
    return factors(itemIds, itemFactors, item);
  }

  private double[] factors(long[] ids, double[] table, long id) {
    int i = Arrays.binarySearch(ids, id);
    return i < 0 ? null : Arrays.copyOfRange(table, i * rank, (i + 1) * rank);
  }

  /** The predicted rating of {@code item} by {@code user}; NaN when either was not seen. */
  public double predict(long user, long item) {
    int u = Arrays.binarySearch(userIds, user);
    int i = Arrays.binarySearch(itemIds, item);
    if (u < 0 || i < 0) {
      return Double.NaN;
    }
    return dot(userFactors, u * rank, itemFactors, i * rank, rank);
  }

  /**
   * The {@code k} items with the highest predicted rating for {@code user}, best first (equal
   * ratings by ascending id), leaving out {@code exclude}; empty for a user not seen in training.
   */
  public List<Recommendation> recommendItems(long user, int k, Set<Long> exclude) {
    int u = Arrays.binarySearch(userIds, user);
    return u < 0 ? List.of() : top(userFactors, u * rank, itemIds, itemFactors, k, exclude);
  }

  /**
   * The {@code k} users with the highest predicted rating of {@code item}, best first (equal
   * ratings by ascending id), leaving out {@code exclude}; empty for an item not seen in training.
   */
  public List<Recommendation> recommendUsers(long item, int k, Set<Long> exclude) {
    int i = Arrays.binarySearch(itemIds, item);
    return i < 0 ? List.of() : top(itemFactors, i * rank, userIds, userFactors, k, exclude);
  }

  private List<Recommendation> top(
      double[] query, int offset, long[] ids, double[] table, int k, Set<Long> exclude) {
    if (k < 1) {
      throw new IllegalArgumentException("Expected k >= 1, got " + k);
    }
    PriorityQueue<Recommendation> worstFirst = new PriorityQueue<>(BEST_FIRST.reversed());
    for (int j = 0; j < ids.length; j++) {
      if (exclude.contains(ids[j])) {
        continue;
      }
      Recommendation r = new Recommendation(ids[j], dot(query, offset, table, j * rank, rank));
      if (worstFirst.size() < k) {
        worstFirst.add(r);
      } else if (BEST_FIRST.compare(r, worstFirst.peek()) < 0) {
        worstFirst.poll();
        worstFirst.add(r);
      }
    }
    List<Recommendation> best = new ArrayList<>(worstFirst);
    best.sort(BEST_FIRST);
    return Collections.unmodifiableList(best);
  }

  private static double dot(double[] a, int aOffset, double[] b, int bOffset, int n) {
    double s = 0;
    for (int j = 0; j < n; j++) {
      s += a[aOffset + j] * b[bOffset + j];
    }
    return s;
  }

  @Override
  public Schema outputSchema(Schema input) {
    return outputSchema(input, userCol, itemCol, predictionCol);
  }

  /**
   * The schema of rows of {@code input} with the prediction appended, for any model reading {@code
   * userCol} and {@code itemCol}: what a pipeline knows before the model is fitted.
   *
   * @throws IllegalArgumentException for a missing or non-integer id column, or an existing
   *     prediction column
   */
  public static Schema outputSchema(
      Schema input, String userCol, String itemCol, String predictionCol) {
    idColumn(input, userCol, "user");
    idColumn(input, itemCol, "item");
    return OutputColumns.append(input, Schema.Field.of(predictionCol, Schema.FieldType.DOUBLE));
  }

  /**
   * The index of the id column {@code col} of {@code input}, {@code what} ("user" or "item") naming
   * it in errors.
   *
   * @throws IllegalArgumentException when it is missing or not INT32 or INT64
   */
  public static int idColumn(Schema input, String col, String what) {
    return IdColumn.index(input, col, what, "ALS");
  }

  /**
   * The id in column {@code index} of {@code row} (INT32 or INT64, as {@link #outputSchema}
   * checked).
   *
   * @throws IllegalArgumentException for a null id, naming the column and the row
   */
  public static long id(Row row, int index) {
    return IdColumn.value(row, index);
  }

  @Override
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    int user = input.indexOf(userCol);
    int item = input.indexOf(itemCol);
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        return OutputColumns.row(output, row, predict(id(row, user), id(row, item)));
      }
    };
  }

  /** The columns, rank, table sizes and provenance. */
  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("rank", Integer.toString(rank));
    p.put("users", Integer.toString(userIds.length));
    p.put("items", Integer.toString(itemIds.length));
    p.put("userCol", userCol);
    p.put("itemCol", itemCol);
    p.put("predictionCol", predictionCol);
    p.put("coldStartStrategy", coldStart.name());
    p.put("provenance", provenance.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AlsModel m
        && rank == m.rank
        && Arrays.equals(userIds, m.userIds)
        && Arrays.equals(userFactors, m.userFactors)
        && Arrays.equals(itemIds, m.itemIds)
        && Arrays.equals(itemFactors, m.itemFactors)
        && userCol.equals(m.userCol)
        && itemCol.equals(m.itemCol)
        && predictionCol.equals(m.predictionCol)
        && coldStart == m.coldStart
        && provenance.equals(m.provenance);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        rank,
        Arrays.hashCode(userIds),
        Arrays.hashCode(itemIds),
        Arrays.hashCode(userFactors),
        Arrays.hashCode(itemFactors),
        predictionCol,
        provenance);
  }

  @Override
  public String toString() {
    return "AlsModel(rank="
        + rank
        + ", "
        + userIds.length
        + " users, "
        + itemIds.length
        + " items, "
        + userCol
        + " x "
        + itemCol
        + " -> "
        + predictionCol
        + ", cold start "
        + coldStart
        + ", "
        + provenance
        + ")";
  }
}
