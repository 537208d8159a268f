package org.beamlink.models.nlp;

/**
 * How a vectorizer turns a term's document frequency {@code df} among {@code n} documents into an
 * inverse document frequency (natural logarithms):
 *
 * <ul>
 *   <li>{@link #SKLEARN_SMOOTH}: {@code ln((1 + n) / (1 + df)) + 1}, scikit-learn's {@code
 *       TfidfTransformer} with its default {@code smooth_idf=True} ("as if an extra document was
 *       seen containing every term once"; the {@code + 1} keeps terms that occur in every
 *       document);
 *   <li>{@link #SPARK}: {@code ln((n + 1) / (df + 1))}, Spark ML's {@code IDF} (a term in every
 *       document weighs 0).
 * </ul>
 *
 * <pre>{@code
 * double idf = IdfFormula.SPARK.idf(10, 3); // ln(11 / 4)
 * }</pre>
 */
public enum IdfFormula {
  /** scikit-learn's smoothed IDF, {@code ln((1 + n) / (1 + df)) + 1}. */
  SKLEARN_SMOOTH {
    @Override
    public double idf(long numDocs, long docFreq) {
      return Math.log((1.0 + numDocs) / (1.0 + docFreq)) + 1.0;
    }
  },
  /** Spark ML's IDF, {@code ln((n + 1) / (df + 1))}. */
  SPARK {
    @Override
    public double idf(long numDocs, long docFreq) {
      return Math.log((numDocs + 1.0) / (docFreq + 1.0));
    }
  };

  /** The inverse document frequency of a term in {@code docFreq} of {@code numDocs} documents. */
  public abstract double idf(long numDocs, long docFreq);
}
