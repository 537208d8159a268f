package org.beamlink.models.classification;

/**
 * The event model of a {@link NaiveBayesModel}: how a class generates a row's features.
 *
 * <pre>{@code
 * NaiveBayes.fit().withModelType(NaiveBayesModelType.BERNOULLI);
 * }</pre>
 */
public enum NaiveBayesModelType {
  /**
   * Features are counts (or frequencies) drawn from a per-class multinomial: scikit-learn's {@code
   * MultinomialNB}, Spark's {@code modelType="multinomial"}. For word counts and TF-IDF.
   */
  MULTINOMIAL,
  /**
   * Each feature is present ({@code x > binarize}) or absent, independently per class:
   * scikit-learn's {@code BernoulliNB}; Spark's {@code modelType="bernoulli"} on 0/1 features.
   */
  BERNOULLI,
  /**
   * Each feature is normal with a per-class mean and variance: scikit-learn's {@code GaussianNB},
   * Spark's {@code modelType="gaussian"}.
   */
  GAUSSIAN
}
