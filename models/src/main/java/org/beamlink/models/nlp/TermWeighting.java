package org.beamlink.models.nlp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.beamlink.models.linalg.Vector;

/**
 * How the vectorizers weigh a document's terms: the {@link FeatureType}, the {@link IdfFormula},
 * the {@link Norm} of the output vector and {@code minTF}, Spark's per-document term filter (a term
 * counts in a document only when it occurs there at least {@code minTF} times, or, for {@code minTF
 * < 1}, at least that fraction of the document's tokens). A term whose value is 0 (a Spark IDF of
 * 0, for one) is not stored in the sparse output.
 *
 * <pre>{@code
 * TermWeighting tfidf = TermWeighting.of(FeatureType.TF_IDF, IdfFormula.SKLEARN_SMOOTH, Norm.L2, 1.0);
 * }</pre>
 */
public final class TermWeighting implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Raw counts: WORD_COUNT, scikit-learn's IDF formula (unused by counts), no norm, minTF 1. */
  public static final TermWeighting COUNTS =
      new TermWeighting(FeatureType.WORD_COUNT, IdfFormula.SKLEARN_SMOOTH, Norm.NONE, 1.0);

  private final FeatureType featureType;
  private final IdfFormula idfFormula;
  private final Norm norm;
  private final double minTF;

  private TermWeighting(FeatureType featureType, IdfFormula idfFormula, Norm norm, double minTF) {
    if (featureType == null || idfFormula == null || norm == null) {
      throw new IllegalArgumentException(
          "Expected a feature type, IDF formula and norm, got "
              + featureType
              + ", "
              + idfFormula
              + " and "
              + norm);
    }
    if (!(minTF >= 0.0) || Double.isInfinite(minTF)) {
      throw new IllegalArgumentException("Expected a finite minTF >= 0, got " + minTF);
    }
    this.featureType = featureType;
    this.idfFormula = idfFormula;
    this.norm = norm;
    this.minTF = minTF;
  }

  /**
   * A weighting.
   *
   * @throws IllegalArgumentException for a null enum or a negative, NaN or infinite {@code minTF}
   */
  public static TermWeighting of(
      FeatureType featureType, IdfFormula idfFormula, Norm norm, double minTF) {
    return new TermWeighting(featureType, idfFormula, norm, minTF);
  }

  /** What each coordinate holds. */
  public FeatureType featureType() {
    return featureType;
  }

  /** How document frequencies become IDF weights (used by IDF and TF_IDF). */
  public IdfFormula idfFormula() {
    return idfFormula;
  }

  /** How each output vector is scaled. */
  public Norm norm() {
    return norm;
  }

  /** The per-document term filter: a count, or a fraction of the document's tokens when < 1. */
  public double minTF() {
    return minTF;
  }

  /** The IDF weights of terms with {@code docFreqs} among {@code numDocs} documents. */
  double[] idf(long[] docFreqs, long numDocs) {
    double[] idf = new double[docFreqs.length];
    for (int i = 0; i < idf.length; i++) {
      idf[i] = idfFormula.idf(numDocs, docFreqs[i]);
    }
    return idf;
  }

  /**
   * The vector of one document whose first {@code k} {@code positions} (sorted here, in place) are
   * the model positions of its known tokens, out of {@code tokenCount} tokens in all; position
   * {@code p} goes to coordinate {@code outputIndex[p]} (or {@code p} when {@code outputIndex} is
   * null, which must then increase with {@code p}) and weighs {@code idf[p]}.
   */
  Vector vector(
      int size, int[] positions, int k, long tokenCount, int[] outputIndex, double[] idf) {
    Arrays.sort(positions, 0, k);
    double effectiveMinTF = minTF >= 1.0 ? minTF : minTF * tokenCount;
    int[] indices = new int[k];
    double[] values = new double[k];
    int m = 0;
    for (int i = 0; i < k; ) {
      int p = positions[i];
      int j = i;
      while (j < k && positions[j] == p) {
        j++;
      }
      int count = j - i;
      i = j;
      if (count < effectiveMinTF) {
        continue;
      }
      double v =
          switch (featureType) {
            case WORD_COUNT -> count;
            case BINARY -> 1.0;
            case TF -> (double) count / tokenCount;
            case IDF -> idf[p];
            case TF_IDF -> count * idf[p];
          };
      if (v != 0.0) {
        indices[m] = outputIndex == null ? p : outputIndex[p];
        values[m++] = v;
      }
    }
    scale(values, m);
    return Vector.sparseOwning(size, Arrays.copyOf(indices, m), Arrays.copyOf(values, m));
  }

  private void scale(double[] values, int m) {
    double total = 0.0;
    switch (norm) {
      case NONE -> {
        return;
      }
      case L1 -> {
        for (int i = 0; i < m; i++) {
          total += Math.abs(values[i]);
        }
      }
      case L2 -> {
        for (int i = 0; i < m; i++) {
          total += values[i] * values[i];
        }
        total = Math.sqrt(total);
      }
    }
    if (total > 0.0) {
      for (int i = 0; i < m; i++) {
        values[i] /= total;
      }
    }
  }

  /** Adds the weighting's parameters to a model's parameters. */
  void addParameters(Map<String, String> p) {
    p.put("featureType", featureType.name());
    p.put("idf", idfFormula.name());
    p.put("norm", norm.name());
    p.put("minTF", Double.toString(minTF));
  }

  void write(DataOutputStream out) throws IOException {
    TextCoding.writeString(featureType.name(), out);
    TextCoding.writeString(idfFormula.name(), out);
    TextCoding.writeString(norm.name(), out);
    out.writeDouble(minTF);
  }

  static TermWeighting read(DataInputStream in) throws IOException {
    FeatureType featureType = TextCoding.readEnum(in, FeatureType.class);
    IdfFormula idfFormula = TextCoding.readEnum(in, IdfFormula.class);
    Norm norm = TextCoding.readEnum(in, Norm.class);
    return new TermWeighting(featureType, idfFormula, norm, in.readDouble());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TermWeighting w
        && featureType == w.featureType
        && idfFormula == w.idfFormula
        && norm == w.norm
        && Double.compare(minTF, w.minTF) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(featureType, idfFormula, norm, minTF);
  }

  @Override
  public String toString() {
    return featureType + " idf=" + idfFormula + " norm=" + norm + " minTF=" + minTF;
  }
}
