package org.beamlink.models.recommendation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.OutputColumns;

/**
 * A trained neighbourhood recommender (ItemCF, UserCF or Swing): every user's interactions (items
 * and ratings, 1 without a rating column) and the nearest neighbours of every item ({@link
 * Side#ITEMS}: ItemCF, Swing) or user ({@link Side#USERS}: UserCF) with their similarities, best
 * first. Scores are Alink's ({@code ItemCfRecommKernel}), with {@code N(x)} the neighbours of
 * {@code x}, {@code I_u} the items of user {@code u} and {@code U_i} the users of item {@code i}:
 *
 * <ul>
 *   <li>ITEMS: {@link #recommendItems} scores item {@code x} for user {@code u} by {@code sum over
 *       i in I_u and N(x) of sim(x, i) r(u, i)}, divided by {@code |I_u|}; {@link #predict} is the
 *       weighted mean {@code sum sim(x, i) r(u, i) / sum sim(x, i)} over the same {@code i} (0 when
 *       there is none), or for implicit data the sum divided by {@code |I_u|}.
 *   <li>USERS: item {@code x} scores {@code sum over v in N(u) who rated x of sim(u, v) r(v, x)},
 *       divided by {@code |I_u|}; {@link #predict} is the weighted mean over the same {@code v}, or
 *       for implicit data the sum divided by {@code |U_x|}.
 * </ul>
 *
 * <p>Only items some neighbour reaches are recommended (Alink pads a short list with items of score
 * 0); equal scores are ordered by ascending id. As a pipeline stage ({@link Transformer}) it
 * appends {@link #predict}'s value of each row's (user, item) to {@code predictionCol}, NaN for a
 * user or item it never saw.
 *
 * <p>Format {@code neighbourhood-model} (ItemCF, UserCF and Swing share it: the same two tables,
 * only the side of the neighbour table and the similarity's name differ): the side, similarity,
 * implicit flag, columns, the interaction table, the neighbour table, the provenance.
 *
 * <pre>{@code
 * NeighbourhoodModel model = ModelFile.read(path, NeighbourhoodModel.class);
 * List<Recommendation> top = model.recommendItems(42L, 10, true);  // unseen items only
 * List<Recommendation> like = model.neighbours(7L, 5);             // the 5 items most like item 7
 * }</pre>
 */
public final class NeighbourhoodModel implements Transformer {
  private static final long serialVersionUID = 1L;

  /** Best first; equal scores by ascending id, so that a top-k list is the same everywhere. */
  public static final Comparator<Recommendation> BEST_FIRST =
      Comparator.comparingDouble(Recommendation::rating)
          .reversed()
          .thenComparingLong(Recommendation::id);

  /** Whose neighbours the model holds. */
  public enum Side {
    /** Neighbours of items (ItemCF, Swing). */
    ITEMS,
    /** Neighbours of users (UserCF). */
    USERS
  }

  private final Side side;
  private final String similarity;
  private final boolean implicit;
  private final IdTable interactions;
  private final IdTable neighbours;
  private final String userCol;
  private final String itemCol;
  private final String predictionCol;
  private final Provenance provenance;
  private transient volatile IdTable transposedInteractions;
  private transient volatile IdTable transposedNeighbours;

  /** A model of the two tables as they are (the coder's; {@link #of} checks and copies). */
  NeighbourhoodModel(
      Side side,
      String similarity,
      boolean implicit,
      IdTable interactions,
      IdTable neighbours,
      String userCol,
      String itemCol,
      String predictionCol,
      Provenance provenance) {
    this.side = Objects.requireNonNull(side);
    this.similarity = Objects.requireNonNull(similarity);
    this.implicit = implicit;
    this.interactions = interactions;
    this.neighbours = neighbours;
    this.userCol = userCol;
    this.itemCol = itemCol;
    this.predictionCol = predictionCol;
    this.provenance = Objects.requireNonNull(provenance);
  }

  /**
   * A model of the interactions of users {@code userIds} (ascending): user {@code userIds[r]} rated
   * items {@code items[userStarts[r] .. userStarts[r + 1])} (ascending) with {@code ratings} at the
   * same positions; and the neighbours of {@code subjectIds} (ascending; items or users by {@code
   * side}) in the same layout, each row best first. All arrays are copied. Columns "user", "item"
   * and "prediction".
   *
   * @throws IllegalArgumentException for tables whose sizes or orders do not fit
   */
  public static NeighbourhoodModel of(
      Side side,
      String similarity,
      boolean implicit,
      long[] userIds,
      int[] userStarts,
      long[] items,
      double[] ratings,
      long[] subjectIds,
      int[] neighbourStarts,
      long[] neighbourIds,
      double[] similarities,
      Provenance provenance) {
    IdTable interactions =
        new IdTable(userIds.clone(), userStarts.clone(), items.clone(), ratings.clone());
    for (int r = 0; r < interactions.rows(); r++) {
      for (int e = interactions.start(r) + 1; e < interactions.end(r); e++) {
        if (interactions.other(e) <= interactions.other(e - 1)) {
          throw new IllegalArgumentException(
              "Expected the items of user "
                  + interactions.id(r)
                  + " in strictly ascending order, got "
                  + interactions.other(e - 1)
                  + " then "
                  + interactions.other(e));
        }
      }
    }
    IdTable table =
        new IdTable(
            subjectIds.clone(),
            neighbourStarts.clone(),
            neighbourIds.clone(),
            similarities.clone());
    return new NeighbourhoodModel(
        side, similarity, implicit, interactions, table, "user", "item", "prediction", provenance);
  }

  private NeighbourhoodModel with(String userCol, String itemCol, String predictionCol) {
    OutputColumns.of(userCol, itemCol, predictionCol);
    return new NeighbourhoodModel(
        side,
        similarity,
        implicit,
        interactions,
        neighbours,
        userCol,
        itemCol,
        predictionCol,
        provenance);
  }

  /** The same model reading user ids from {@code col}. */
  public NeighbourhoodModel withUserCol(String col) {
    return with(col, itemCol, predictionCol);
  }

  /** The same model reading item ids from {@code col}. */
  public NeighbourhoodModel withItemCol(String col) {
    return with(userCol, col, predictionCol);
  }

  /** The same model appending its prediction to {@code col}. */
  public NeighbourhoodModel withPredictionCol(String col) {
    return with(userCol, itemCol, col);
  }

  /** Whose neighbours the model holds. */
  public Side side() {
    return side;
  }

  /** The similarity's name: COSINE, JACCARD, PEARSON or SWING. */
  public String similarity() {
    return similarity;
  }

  /** Whether it was trained without ratings (every interaction 1). */
  public boolean implicit() {
    return implicit;
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

  /** How the model was made. */
  public Provenance provenance() {
    return provenance;
  }

  /** The users seen in training, ascending (a copy). */
  public long[] userIds() {
    return interactions.ids();
  }

  /** The items seen in training, ascending (a copy). */
  public long[] itemIds() {
    return byItem().ids();
  }

  /** The items or users with at least one neighbour, ascending (a copy). */
  public long[] subjectIds() {
    return neighbours.ids();
  }

  /** The interaction table (users to items and ratings), for the coder. */
  IdTable interactions() {
    return interactions;
  }

  /** The neighbour table, for the coder. */
  IdTable neighbourTable() {
    return neighbours;
  }

  /**
   * The items {@code user} interacted with and their ratings (1 for implicit data), ascending by
   * item; empty for a user not seen in training.
   */
  public List<Recommendation> interactionsOf(long user) {
    int r = interactions.row(user);
    if (r < 0) {
      return List.of();
    }
    List<Recommendation> out = new ArrayList<>();
    for (int e = interactions.start(r); e < interactions.end(r); e++) {
      out.add(new Recommendation(interactions.other(e), interactions.value(e)));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The {@code k} nearest neighbours of {@code id} (an item for {@link Side#ITEMS}, a user for
   * {@link Side#USERS}) with their similarities, best first (equal similarities by ascending id);
   * empty for one without neighbours.
   */
  public List<Recommendation> neighbours(long id, int k) {
    checkK(k);
    int r = neighbours.row(id);
    if (r < 0) {
      return List.of();
    }
    List<Recommendation> out = new ArrayList<>();
    for (int e = neighbours.start(r);
        e < Math.min(neighbours.end(r), neighbours.start(r) + k);
        e++) {
      out.add(new Recommendation(neighbours.other(e), neighbours.value(e)));
    }
    return Collections.unmodifiableList(out);
  }

  private static void checkK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("Expected k >= 1, got " + k);
    }
  }

  private IdTable byItem() {
    IdTable t = transposedInteractions;
    if (t == null) {
      t = interactions.transpose();
      transposedInteractions = t;
    }
    return t;
  }

  private IdTable reverseNeighbours() {
    IdTable t = transposedNeighbours;
    if (t == null) {
      t = neighbours.transpose();
      transposedNeighbours = t;
    }
    return t;
  }

  /**
   * The {@code k} best-scored items for {@code user} (see the class for the score), best first,
   * equal scores by ascending id, leaving out the items the user interacted with when {@code
   * excludeSeen}; empty for a user not seen in training.
   */
  public List<Recommendation> recommendItems(long user, int k, boolean excludeSeen) {
    checkK(k);
    int u = interactions.row(user);
    if (u < 0) {
      return List.of();
    }
    Map<Long, double[]> scores = new HashMap<>();
    if (side == Side.ITEMS) {
      IdTable reverse = reverseNeighbours();
      for (int e = interactions.start(u); e < interactions.end(u); e++) {
        int i = reverse.row(interactions.other(e));
        if (i < 0) {
          continue;
        }
        double r = interactions.value(e);
        for (int n = reverse.start(i); n < reverse.end(i); n++) {
          scores.computeIfAbsent(reverse.other(n), x -> new double[1])[0] += reverse.value(n) * r;
        }
      }
    } else {
      int row = neighbours.row(user);
      for (int n = row < 0 ? 0 : neighbours.start(row); row >= 0 && n < neighbours.end(row); n++) {
        int v = interactions.row(neighbours.other(n));
        double s = neighbours.value(n);
        for (int e = interactions.start(v); e < interactions.end(v); e++) {
          scores.computeIfAbsent(interactions.other(e), x -> new double[1])[0] +=
              s * interactions.value(e);
        }
      }
    }
    double count = interactions.end(u) - interactions.start(u);
    List<Recommendation> all = new ArrayList<>(scores.size());
    for (Map.Entry<Long, double[]> s : scores.entrySet()) {
      long item = s.getKey();
      if (excludeSeen && !Double.isNaN(interactions.valueIn(u, item))) {
        continue;
      }
      all.add(new Recommendation(item, s.getValue()[0] / count));
    }
    all.sort(BEST_FIRST);
    return Collections.unmodifiableList(new ArrayList<>(all.subList(0, Math.min(k, all.size()))));
  }

  /**
   * The {@code k} users with the best score for {@code item} (the score {@link #recommendItems}
   * gives the item in each user's list, to the last bit), best first, equal scores by ascending id,
   * leaving out the users who interacted with it when {@code excludeSeen}; only users some
   * neighbour links to the item are listed (as {@link #recommendItems} lists only items it
   * reaches); empty for an item not seen in training.
   */
  public List<Recommendation> recommendUsers(long item, int k, boolean excludeSeen) {
    checkK(k);
    IdTable items = byItem();
    int x = items.row(item);
    if (x < 0) {
      return List.of();
    }
    Set<Long> candidates = new HashSet<>();
    if (side == Side.ITEMS) {
      int row = neighbours.row(item);
      for (int n = row < 0 ? 0 : neighbours.start(row); row >= 0 && n < neighbours.end(row); n++) {
        int i = items.row(neighbours.other(n));
        for (int e = items.start(i); e < items.end(i); e++) {
          candidates.add(items.other(e));
        }
      }
    } else {
      IdTable reverse = reverseNeighbours();
      for (int e = items.start(x); e < items.end(x); e++) {
        int v = reverse.row(items.other(e));
        for (int n = v < 0 ? 0 : reverse.start(v); v >= 0 && n < reverse.end(v); n++) {
          candidates.add(reverse.other(n));
        }
      }
    }
    List<Recommendation> all = new ArrayList<>(candidates.size());
    for (long user : candidates) {
      int u = interactions.row(user);
      if (excludeSeen && !Double.isNaN(interactions.valueIn(u, item))) {
        continue;
      }
      all.add(
          new Recommendation(user, score(u, item) / (interactions.end(u) - interactions.start(u))));
    }
    all.sort(BEST_FIRST);
    return Collections.unmodifiableList(new ArrayList<>(all.subList(0, Math.min(k, all.size()))));
  }

  /**
   * The sum {@link #recommendItems} scores {@code item} by for the user in row {@code u}, its terms
   * added in the same order: the user's items ascending (ITEMS), the user's neighbours best first
   * (USERS).
   */
  private double score(int u, long item) {
    double sum = 0;
    if (side == Side.ITEMS) {
      IdTable reverse = reverseNeighbours();
      for (int e = interactions.start(u); e < interactions.end(u); e++) {
        int i = reverse.row(interactions.other(e));
        double s = i < 0 ? Double.NaN : reverse.valueIn(i, item);
        if (!Double.isNaN(s)) {
          sum += s * interactions.value(e);
        }
      }
    } else {
      int row = neighbours.row(interactions.id(u));
      for (int n = row < 0 ? 0 : neighbours.start(row); row >= 0 && n < neighbours.end(row); n++) {
        double r = interactions.valueIn(interactions.row(neighbours.other(n)), item);
        if (!Double.isNaN(r)) {
          sum += neighbours.value(n) * r;
        }
      }
    }
    return sum;
  }

  /**
   * The predicted rating of {@code item} by {@code user} (see the class); NaN when either was not
   * seen in training, 0 when no neighbour links them.
   */
  public double predict(long user, long item) {
    int u = interactions.row(user);
    IdTable items = byItem();
    int x = items.row(item);
    if (u < 0 || x < 0) {
      return Double.NaN;
    }
    double dot = 0;
    double weights = 0;
    int row = neighbours.row(side == Side.ITEMS ? item : user);
    for (int n = row < 0 ? 0 : neighbours.start(row); row >= 0 && n < neighbours.end(row); n++) {
      double r =
          side == Side.ITEMS
              ? interactions.valueIn(u, neighbours.other(n))
              : items.valueIn(x, neighbours.other(n));
      if (!Double.isNaN(r)) {
        dot += neighbours.value(n) * r;
        weights += neighbours.value(n);
      }
    }
    if (implicit) {
      int size =
          side == Side.ITEMS
              ? interactions.end(u) - interactions.start(u)
              : items.end(x) - items.start(x);
      return dot / size;
    }
    return weights == 0 ? 0.0 : dot / weights;
  }

  @Override
  public Schema outputSchema(Schema input) {
    return outputSchema(input, userCol, itemCol, predictionCol);
  }

  /**
   * The schema of rows of {@code input} with the prediction appended, for any model reading {@code
   * userCol} and {@code itemCol}.
   *
   * @throws IllegalArgumentException for a missing or non-integer id column, or an existing
   *     prediction column
   */
  public static Schema outputSchema(
      Schema input, String userCol, String itemCol, String predictionCol) {
    IdColumn.index(input, userCol, "user", "Recommender");
    IdColumn.index(input, itemCol, "item", "Recommender");
    return OutputColumns.append(input, Schema.Field.of(predictionCol, Schema.FieldType.DOUBLE));
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
        return OutputColumns.row(
            output, row, predict(IdColumn.value(row, user), IdColumn.value(row, item)));
      }
    };
  }

  /** The side, similarity, table sizes, columns and provenance. */
  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("side", side.name());
    p.put("similarity", similarity);
    p.put("implicit", Boolean.toString(implicit));
    p.put("users", Integer.toString(interactions.rows()));
    p.put("interactions", Integer.toString(interactions.entries()));
    p.put("subjects", Integer.toString(neighbours.rows()));
    p.put("neighbours", Integer.toString(neighbours.entries()));
    p.put("userCol", userCol);
    p.put("itemCol", itemCol);
    p.put("predictionCol", predictionCol);
    p.put("provenance", provenance.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NeighbourhoodModel m
        && side == m.side
        && similarity.equals(m.similarity)
        && implicit == m.implicit
        && interactions.equals(m.interactions)
        && neighbours.equals(m.neighbours)
        && userCol.equals(m.userCol)
        && itemCol.equals(m.itemCol)
        && predictionCol.equals(m.predictionCol)
        && provenance.equals(m.provenance);
  }

  @Override
  public int hashCode() {
    return Objects.hash(side, similarity, interactions, neighbours, predictionCol, provenance);
  }

  @Override
  public String toString() {
    return "NeighbourhoodModel("
        + side
        + " "
        + similarity
        + (implicit ? " implicit" : "")
        + ", "
        + interactions.rows()
        + " users, "
        + interactions.entries()
        + " interactions, "
        + neighbours.rows()
        + " with neighbours, "
        + userCol
        + " x "
        + itemCol
        + " -> "
        + predictionCol
        + ", "
        + provenance
        + ")";
  }
}
