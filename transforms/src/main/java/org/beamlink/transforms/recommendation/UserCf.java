package org.beamlink.transforms.recommendation;

import org.beamlink.models.recommendation.NeighbourhoodModel.Side;

/**
 * User-based collaborative filtering, as Alink's {@code UserCfTrainBatchOp}: ItemCF with users and
 * items swapped. The similarity of users from the items both interacted with ({@link
 * CfSimilarity}), each user's nearest neighbours, and recommendations that score an item by the
 * neighbours' ratings of it ({@link org.beamlink.models.recommendation.NeighbourhoodModel}). The
 * trainer, its parameters and how it scales: {@link NeighbourhoodFit} (for UserCF an item with more
 * than {@code maxItemUsers} users is sampled).
 *
 * <pre>{@code
 * PCollection<NeighbourhoodModel> model =
 *     ratings.apply(UserCf.fit().withRatingCol("rating").withSimilarity(CfSimilarity.PEARSON));
 * PCollection<Row> top10 = model.apply(Neighbourhood.recommendForAllUsers(10));
 * }</pre>
 */
public final class UserCf {
  private UserCf() {}

  /** A UserCF trainer with every default set. */
  public static NeighbourhoodFit fit() {
    return NeighbourhoodFit.of(Side.USERS);
  }
}
