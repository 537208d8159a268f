package org.beamlink.transforms.recommendation;

import org.beamlink.models.recommendation.NeighbourhoodModel.Side;

/**
 * Item-based collaborative filtering, as Alink's {@code ItemCfTrainBatchOp}: the similarity of
 * items from the users who interacted with both (cosine, Jaccard or Pearson, {@link CfSimilarity}),
 * each item's nearest neighbours, and recommendations that score an item by the user's ratings of
 * its neighbours ({@link org.beamlink.models.recommendation.NeighbourhoodModel}). The trainer, its
 * parameters and how it scales: {@link NeighbourhoodFit}.
 *
 * <pre>{@code
 * PCollection<NeighbourhoodModel> model =
 *     ratings.apply(ItemCf.fit().withRatingCol("rating").withMaxNeighbours(20));
 * PCollection<Row> top10 = model.apply(Neighbourhood.recommendForAllUsers(10).excludingSeen());
 * PCollection<Row> similar = model.apply(Neighbourhood.neighbours(5)); // 5 most similar items
 * }</pre>
 */
public final class ItemCf {
  private ItemCf() {}

  /** An ItemCF trainer with every default set. */
  public static NeighbourhoodFit fit() {
    return NeighbourhoodFit.of(Side.ITEMS);
  }
}
