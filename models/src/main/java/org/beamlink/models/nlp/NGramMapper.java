package org.beamlink.models.nlp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * Turns tokens into n-grams, as Spark ML's {@code NGram}: every run of {@code n} consecutive
 * tokens, in order, joined by a single space; an array of fewer than {@code n} tokens gives an
 * empty array. ({@code n = 1} copies the tokens.)
 *
 * <p>A null token array gives a null output (null in, null out); a null token inside an array is an
 * error naming column and row.
 *
 * <pre>{@code
 * NGramMapper bigrams = NGramMapper.of("tokens", "bigrams", 2);
 * Row out = bigrams.bind(schema).apply(row); // [a, b, c] -> [a b, b c]
 * }</pre>
 */
public final class NGramMapper extends TextStage<List<String>> {
  private static final long serialVersionUID = 1L;

  private final int n;

  private NGramMapper(String inputCol, String outputCol, int n) {
    super(inputCol, outputCol);
    if (n < 1) {
      throw new IllegalArgumentException("Expected n >= 1, got " + n);
    }
    this.n = n;
  }

  /**
   * The {@code n}-grams of token column {@code inputCol} in {@code outputCol}.
   *
   * @throws IllegalArgumentException for {@code n < 1} or an empty column name
   */
  public static NGramMapper of(String inputCol, String outputCol, int n) {
    return new NGramMapper(inputCol, outputCol, n);
  }

  /** The number of tokens in an n-gram. */
  public int n() {
    return n;
  }

  /** The n-grams of {@code tokens}. */
  public List<String> ngrams(List<String> tokens) {
    int count = tokens.size() - n + 1;
    List<String> grams = new ArrayList<>(Math.max(count, 0));
    for (int i = 0; i < count; i++) {
      grams.add(String.join(" ", tokens.subList(i, i + n)));
    }
    return grams;
  }

  @Override
  String stageName() {
    return "NGram";
  }

  @Override
  boolean readsTokens() {
    return true;
  }

  @Override
  TokenFunction<List<String>> function() {
    return (tokens, row) -> ngrams(tokens);
  }

  @Override
  void addParameters(Map<String, String> parameters) {
    parameters.put("n", Integer.toString(n));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NGramMapper g
        && inputCol.equals(g.inputCol)
        && outputCol.equals(g.outputCol)
        && n == g.n;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCol, outputCol, n);
  }

  /**
   * Deterministic, versioned coder for {@link NGramMapper}.
   *
   * <pre>{@code
   * NGramMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<NGramMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(NGramMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      TextCoding.writeString(value.inputCol, data);
      TextCoding.writeString(value.outputCol, data);
      data.writeInt(value.n);
      data.flush();
    }

    @Override
    public NGramMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "n-gram");
      DataInputStream data = new DataInputStream(in);
      String inputCol = TextCoding.readString(data);
      String outputCol = TextCoding.readString(data);
      return new NGramMapper(inputCol, outputCol, data.readInt());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
