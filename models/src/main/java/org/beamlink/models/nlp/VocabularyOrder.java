package org.beamlink.models.nlp;

/**
 * The order of a fitted vocabulary, which is the order of the output coordinates. Which terms are
 * kept does not depend on it: {@code vocabSize} always keeps the most frequent terms.
 *
 * <ul>
 *   <li>{@link #FREQUENCY}: by number of occurrences in the corpus, most frequent first, as Spark's
 *       {@code CountVectorizer} (ties, which Spark leaves arbitrary, by term, alphabetically);
 *   <li>{@link #ALPHABETICAL}: by term ({@code String.compareTo}), as scikit-learn's {@code
 *       CountVectorizer} (Python compares code points; the two differ only between supplementary
 *       characters and U+E000..U+FFFF).
 * </ul>
 *
 * <pre>{@code
 * DocCountVectorizer.fit().withInputCol("tokens").withVocabularyOrder(VocabularyOrder.ALPHABETICAL);
 * }</pre>
 */
public enum VocabularyOrder {
  /** Most frequent term first; ties alphabetical. */
  FREQUENCY,
  /** Alphabetical. */
  ALPHABETICAL
}
