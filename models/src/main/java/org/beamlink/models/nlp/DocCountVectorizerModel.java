package org.beamlink.models.nlp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;

/**
 * A fitted count vectorizer, as Spark ML's {@code CountVectorizerModel} and Alink's {@code
 * DocCountVectorizerModel}: maps a token array to a sparse vector with one coordinate per
 * vocabulary term, weighted as {@link TermWeighting} says (counts, binary, TF, IDF or TF-IDF, then
 * an optional norm). Tokens not in the vocabulary are ignored (they still count in a document's
 * length for TF and a fractional {@code minTF}). With the vocabulary in alphabetical order,
 * WORD_COUNT and TF_IDF with {@link IdfFormula#SKLEARN_SMOOTH} and {@link Norm#L2} give
 * scikit-learn's {@code CountVectorizer} and {@code TfidfVectorizer} matrices.
 *
 * <p>The model keeps each term's document frequency and the number of documents fitted on; the IDF
 * weights are computed from them. A null token array, or a null token, is an error naming column
 * and row (fill missing text before tokenizing); an empty array gives an all-zero vector.
 *
 * <pre>{@code
 * DocCountVectorizerModel m = DocCountVectorizerModel.of(
 *     "tokens", "features", List.of("cat", "dog"), new long[] {2, 1}, 3, TermWeighting.COUNTS);
 * Vector v = m.vectorize(List.of("dog", "cat", "dog")); // (2, [0, 1], [1.0, 2.0])
 * }</pre>
 */
public final class DocCountVectorizerModel extends TermCountModel {
  private static final long serialVersionUID = 1L;
  private static final int PREVIEW = 16;

  private final List<String> vocabulary;
  private final Map<String, Integer> index;

  private DocCountVectorizerModel(
      String inputCol,
      String outputCol,
      List<String> vocabulary,
      long[] docFreqs,
      long numDocs,
      TermWeighting weighting) {
    super(inputCol, outputCol, vocabulary.size(), docFreqs, numDocs, weighting);
    this.index = new HashMap<>();
    for (int i = 0; i < vocabulary.size(); i++) {
      String term = vocabulary.get(i);
      if (term == null || index.put(term, i) != null) {
        throw new IllegalArgumentException(
            "Expected distinct, non-null vocabulary terms, got '" + term + "' twice or null");
      }
    }
    this.vocabulary = List.copyOf(vocabulary);
  }

  /**
   * A model of {@code vocabulary} (coordinate {@code i} is term {@code i}), whose terms occur in
   * {@code documentFrequencies[i]} of {@code numDocs} documents.
   *
   * @throws IllegalArgumentException for repeated or null terms, frequencies outside {@code [1,
   *     numDocs]}, arrays of different lengths or an empty column name
   */
  public static DocCountVectorizerModel of(
      String inputCol,
      String outputCol,
      List<String> vocabulary,
      long[] documentFrequencies,
      long numDocs,
      TermWeighting weighting) {
    return new DocCountVectorizerModel(
        inputCol, outputCol, vocabulary, documentFrequencies, numDocs, weighting);
  }

  /** The terms, in coordinate order. */
  public List<String> vocabulary() {
    return vocabulary;
  }

  /** This model with another weighting: the same vocabulary and frequencies. */
  public DocCountVectorizerModel withWeighting(TermWeighting weighting) {
    return new DocCountVectorizerModel(
        inputCol, outputCol, vocabulary, docFreqs, numDocs, weighting);
  }

  @Override
  public Vector vectorize(List<String> tokens) {
    int[] positions = new int[tokens.size()];
    int k = 0;
    for (String t : tokens) {
      Integer p = index.get(Objects.requireNonNull(t, "token"));
      if (p != null) {
        positions[k++] = p;
      }
    }
    return weighting.vector(vocabulary.size(), positions, k, tokens.size(), null, idf);
  }

  @Override
  String stageName() {
    return "DocCountVectorizer";
  }

  @Override
  void addParameters(Map<String, String> p) {
    weighting.addParameters(p);
    p.put("numDocs", Long.toString(numDocs));
    p.put("vocabularySize", Integer.toString(vocabulary.size()));
    p.put(
        "vocabulary",
        vocabulary.size() <= PREVIEW
            ? vocabulary.toString()
            : vocabulary.subList(0, PREVIEW).toString().replace("]", ", ...]"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DocCountVectorizerModel m
        && sameCounts(m)
        && vocabulary.equals(m.vocabulary);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        inputCol, outputCol, vocabulary, Arrays.hashCode(docFreqs), numDocs, weighting);
  }

  /**
   * Deterministic, versioned coder for {@link DocCountVectorizerModel}.
   *
   * <pre>{@code
   * DocCountVectorizerModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<DocCountVectorizerModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(DocCountVectorizerModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      TextCoding.writeString(value.inputCol, data);
      TextCoding.writeString(value.outputCol, data);
      TextCoding.writeStrings(value.vocabulary, data);
      TextCoding.writeLongs(value.docFreqs, data);
      data.writeLong(value.numDocs);
      value.weighting.write(data);
      data.flush();
    }

    @Override
    public DocCountVectorizerModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "doc count vectorizer model");
      DataInputStream data = new DataInputStream(in);
      String inputCol = TextCoding.readString(data);
      String outputCol = TextCoding.readString(data);
      List<String> vocabulary = TextCoding.readStrings(data);
      long[] docFreqs = TextCoding.readLongs(data);
      long numDocs = data.readLong();
      return new DocCountVectorizerModel(
          inputCol, outputCol, vocabulary, docFreqs, numDocs, TermWeighting.read(data));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
