package org.beamlink.models.nlp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.feature.FeatureHasherMapper;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;

/**
 * A fitted hashing vectorizer, as Alink's {@code DocHashCountVectorizerModel}: each token goes to
 * coordinate {@link #indexOf}{@code (token, numFeatures)} of a sparse vector of {@code numFeatures}
 * (the hashing trick: no vocabulary, colliding tokens share a coordinate), weighted as {@link
 * TermWeighting} says. The fit counted, per coordinate ("bucket"), the documents holding a token of
 * that bucket, so IDF weights exist; only the buckets the fit kept (those with a document frequency
 * of at least {@code minDF}) are output, as Alink: a token whose bucket the fit never saw, or
 * dropped, is ignored (it still counts in the document's length).
 *
 * <p>The hash is Spark ML 3's {@code HashingTF} index: MurmurHash3 x86_32 with seed 42 of the
 * token's UTF-8 bytes, modulo {@code numFeatures} (non-negative), the same code as {@link
 * FeatureHasherMapper#indexOf}; so {@code ["a", "b", "c"]} in 10 buckets go to 7, 5 and 8, as in
 * Spark's documentation.
 *
 * <p>A null token array, or a null token, is an error naming column and row (fill missing text
 * before tokenizing); an empty array gives an all-zero vector.
 *
 * <pre>{@code
 * int bucket = DocHashCountVectorizerModel.indexOf("spam", 1 << 18);
 * Row out = model.bind(schema).apply(row);
 * }</pre>
 */
public final class DocHashCountVectorizerModel extends TermCountModel {
  private static final long serialVersionUID = 1L;

  private final int numFeatures;
  private final int[] buckets;

  private DocHashCountVectorizerModel(
      String inputCol,
      String outputCol,
      int numFeatures,
      int[] buckets,
      long[] docFreqs,
      long numDocs,
      TermWeighting weighting) {
    super(inputCol, outputCol, buckets.length, docFreqs, numDocs, weighting);
    if (numFeatures < 1) {
      throw new IllegalArgumentException("Expected numFeatures >= 1, got " + numFeatures);
    }
    for (int i = 0; i < buckets.length; i++) {
      if (buckets[i] < 0 || buckets[i] >= numFeatures || i > 0 && buckets[i] <= buckets[i - 1]) {
        throw new IllegalArgumentException(
            "Expected increasing buckets in [0, "
                + numFeatures
                + "), got "
                + buckets[i]
                + " at position "
                + i);
      }
    }
    this.numFeatures = numFeatures;
    this.buckets = buckets.clone();
  }

  /**
   * A model whose kept {@code buckets} (increasing) are held by {@code documentFrequencies[i]} of
   * {@code numDocs} documents.
   *
   * @throws IllegalArgumentException for buckets out of order or out of range, frequencies outside
   *     {@code [1, numDocs]}, arrays of different lengths or an empty column name
   */
  public static DocHashCountVectorizerModel of(
      String inputCol,
      String outputCol,
      int numFeatures,
      int[] buckets,
      long[] documentFrequencies,
      long numDocs,
      TermWeighting weighting) {
    return new DocHashCountVectorizerModel(
        inputCol, outputCol, numFeatures, buckets, documentFrequencies, numDocs, weighting);
  }

  /** The coordinate of {@code token} among {@code numFeatures}: Spark 3's HashingTF index. */
  public static int indexOf(String token, int numFeatures) {
    return FeatureHasherMapper.indexOf(token, numFeatures);
  }

  /** The size of the output vectors. */
  public int numFeatures() {
    return numFeatures;
  }

  /** The buckets output, increasing (a copy). */
  public int[] buckets() {
    return buckets.clone();
  }

  @Override
  public Vector vectorize(List<String> tokens) {
    int[] positions = new int[tokens.size()];
    int k = 0;
    for (String t : tokens) {
      int p =
          Arrays.binarySearch(buckets, indexOf(Objects.requireNonNull(t, "token"), numFeatures));
      if (p >= 0) {
        positions[k++] = p;
      }
    }
    return weighting.vector(numFeatures, positions, k, tokens.size(), buckets, idf);
  }

  @Override
  String stageName() {
    return "DocHashCountVectorizer";
  }

  @Override
  void addParameters(Map<String, String> p) {
    p.put("numFeatures", Integer.toString(numFeatures));
    weighting.addParameters(p);
    p.put("numDocs", Long.toString(numDocs));
    p.put("bucketsKept", Integer.toString(buckets.length));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DocHashCountVectorizerModel m
        && sameCounts(m)
        && numFeatures == m.numFeatures
        && Arrays.equals(buckets, m.buckets);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        inputCol,
        outputCol,
        numFeatures,
        Arrays.hashCode(buckets),
        Arrays.hashCode(docFreqs),
        numDocs,
        weighting);
  }

  /**
   * Deterministic, versioned coder for {@link DocHashCountVectorizerModel}.
   *
   * <pre>{@code
   * DocHashCountVectorizerModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<DocHashCountVectorizerModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(DocHashCountVectorizerModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      TextCoding.writeString(value.inputCol, data);
      TextCoding.writeString(value.outputCol, data);
      data.writeInt(value.numFeatures);
      data.flush();
      ArrayEncoding.writeInts(value.buckets, out);
      TextCoding.writeLongs(value.docFreqs, data);
      data.writeLong(value.numDocs);
      value.weighting.write(data);
      data.flush();
    }

    @Override
    public DocHashCountVectorizerModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "doc hash count vectorizer model");
      DataInputStream data = new DataInputStream(in);
      String inputCol = TextCoding.readString(data);
      String outputCol = TextCoding.readString(data);
      int numFeatures = data.readInt();
      int[] buckets = ArrayEncoding.readInts(in);
      long[] docFreqs = TextCoding.readLongs(data);
      long numDocs = data.readLong();
      return new DocHashCountVectorizerModel(
          inputCol, outputCol, numFeatures, buckets, docFreqs, numDocs, TermWeighting.read(data));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
