package org.beamlink.transforms.recommendation;

/**
 * The similarity of two items (users for UserCF) in {@link ItemCf} and {@link UserCf}, each item a
 * vector over all users with its ratings (1 without a rating column) and 0 where a user did not
 * interact, as Alink's vector similarities over its one-hot item vectors. With {@code a} and {@code
 * b} the two vectors, {@code n} the number of users, {@code c} the users the two share:
 *
 * <ul>
 *   <li>{@link #COSINE}: {@code a.b / sqrt(|a|^2 |b|^2)};
 *   <li>{@link #JACCARD}: {@code c / (nnz(a) + nnz(b) - c)}, ratings ignored;
 *   <li>{@link #PEARSON}: the correlation of the two n-vectors, zeros included: {@code (n a.b - sum
 *       a sum b) / sqrt((n |a|^2 - (sum a)^2) (n |b|^2 - (sum b)^2))}, 0 when either vector is
 *       constant.
 * </ul>
 *
 * <pre>{@code
 * ItemCf.fit().withSimilarity(CfSimilarity.PEARSON)
 * }</pre>
 */
public enum CfSimilarity {
  /** The cosine of the angle between the rating vectors. */
  COSINE,
  /** Shared users over users of either, ratings ignored. */
  JACCARD,
  /** Pearson's correlation of the rating vectors over all users, zeros included. */
  PEARSON;

  /**
   * The similarity of {@code a} and {@code b} from {@code common} shared users, the sum {@code dot}
   * of the products of their ratings, each one's {@code {count, sum, sum of squares}} of ratings
   * and {@code n} users in all.
   */
  double of(long common, double dot, double[] a, double[] b, long n) {
    switch (this) {
      case COSINE:
        return dot / Math.sqrt(a[2] * b[2]);
      case JACCARD:
        return common / (a[0] + b[0] - common);
      default:
        double va = n * a[2] - a[1] * a[1];
        double vb = n * b[2] - b[1] * b[1];
        return va <= 0 || vb <= 0 ? 0.0 : (n * dot - a[1] * b[1]) / Math.sqrt(va * vb);
    }
  }
}
