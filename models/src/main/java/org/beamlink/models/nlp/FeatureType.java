package org.beamlink.models.nlp;

/**
 * What a vectorizer puts at a term's coordinate, as Alink's {@code FeatureType}. With {@code c} the
 * term's count in the document, {@code len} the document's number of tokens (all of them, also
 * those not in the vocabulary) and {@code idf} the term's inverse document frequency ({@link
 * IdfFormula}):
 *
 * <ul>
 *   <li>{@link #WORD_COUNT}: {@code c} (scikit-learn's {@code CountVectorizer}, Spark's {@code
 *       CountVectorizer});
 *   <li>{@link #BINARY}: {@code 1} for a term present (both with {@code binary=True});
 *   <li>{@link #TF}: {@code c / len} (Alink's term frequency);
 *   <li>{@link #IDF}: {@code idf} for a term present (Alink);
 *   <li>{@link #TF_IDF}: {@code c * idf}, as scikit-learn's {@code TfidfVectorizer} and Spark's
 *       {@code CountVectorizer} followed by {@code IDF} (Alink uses {@code (c / len) * idf}, which
 *       is the same vector after L2 normalization).
 * </ul>
 *
 * <pre>{@code
 * DocCountVectorizer.fit().withInputCol("tokens").withFeatureType(FeatureType.TF_IDF);
 * }</pre>
 */
public enum FeatureType {
  /** The term's count in the document. */
  WORD_COUNT,
  /** 1 for a term present in the document. */
  BINARY,
  /** The term's count divided by the document's number of tokens. */
  TF,
  /** The term's inverse document frequency, for a term present. */
  IDF,
  /** The term's count times its inverse document frequency. */
  TF_IDF
}
