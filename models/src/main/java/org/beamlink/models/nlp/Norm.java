package org.beamlink.models.nlp;

/**
 * How a vectorizer scales each output vector, as scikit-learn's {@code norm} parameter: not at all
 * ({@link #NONE}, scikit-learn's {@code CountVectorizer} and Spark), to unit Euclidean norm ({@link
 * #L2}, the default of scikit-learn's {@code TfidfVectorizer}) or to unit sum of absolute values
 * ({@link #L1}). An all-zero vector stays zero.
 *
 * <pre>{@code
 * DocCountVectorizer.fit().withInputCol("tokens").withFeatureType(FeatureType.TF_IDF).withNorm(Norm.L2);
 * }</pre>
 */
public enum Norm {
  /** No scaling. */
  NONE,
  /** Divide by the sum of absolute values. */
  L1,
  /** Divide by the Euclidean norm. */
  L2
}
