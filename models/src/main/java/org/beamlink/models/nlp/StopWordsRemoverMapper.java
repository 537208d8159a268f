package org.beamlink.models.nlp;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * Drops stop words from a token column, as Spark ML's {@code StopWordsRemover}: a token is dropped
 * when it is in the list; without {@code caseSensitive} (the default) tokens and stop words are
 * compared lower-cased ({@link Locale#ROOT}), so {@code "The"} is dropped by {@code "the"}. The
 * kept tokens keep their case and order.
 *
 * <p>The default list, {@link #englishStopWords()}, is scikit-learn's {@code ENGLISH_STOP_WORDS}
 * (318 words, from the Glasgow Information Retrieval Group; BSD-3-Clause, the licence is in the
 * resource {@code org/beamlink/models/nlp/english-stop-words.txt}), so that a tokenizer, this stage
 * and a count vectorizer reproduce scikit-learn's {@code CountVectorizer(stop_words="english")}.
 * (Spark's default English list is a different, 181-word list.)
 *
 * <p>A null token array gives a null output (null in, null out); a null token inside an array is an
 * error naming column and row.
 *
 * <pre>{@code
 * StopWordsRemoverMapper s = StopWordsRemoverMapper.of(
 *     "tokens", "filtered", StopWordsRemoverMapper.englishStopWords(), false);
 * Row out = s.bind(schema).apply(row); // [the, cat, sat] -> [cat, sat]
 * }</pre>
 */
public final class StopWordsRemoverMapper extends TextStage<List<String>> {
  private static final long serialVersionUID = 1L;
  private static final String ENGLISH_RESOURCE = "english-stop-words.txt";

  private final List<String> stopWords;
  private final boolean caseSensitive;
  private final Set<String> lookup;

  private StopWordsRemoverMapper(
      String inputCol, String outputCol, List<String> stopWords, boolean caseSensitive) {
    super(inputCol, outputCol);
    if (stopWords == null || stopWords.stream().anyMatch(w -> w == null)) {
      throw new IllegalArgumentException("Expected a list of stop words without nulls");
    }
    this.stopWords = List.copyOf(stopWords);
    this.caseSensitive = caseSensitive;
    this.lookup = new HashSet<>();
    for (String w : stopWords) {
      lookup.add(caseSensitive ? w : w.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Removes {@code stopWords} from token column {@code inputCol} into {@code outputCol}.
   *
   * @throws IllegalArgumentException for a null stop word or an empty column name
   */
  public static StopWordsRemoverMapper of(
      String inputCol, String outputCol, List<String> stopWords, boolean caseSensitive) {
    return new StopWordsRemoverMapper(inputCol, outputCol, stopWords, caseSensitive);
  }

  /**
   * scikit-learn's English stop words (318, lower case, sorted), read from this library's resource
   * {@code english-stop-words.txt}.
   */
  public static List<String> englishStopWords() {
    return English.WORDS;
  }

  /** The stop words, as given. */
  public List<String> stopWords() {
    return stopWords;
  }

  /** Whether tokens are compared with stop words case-sensitively. */
  public boolean caseSensitive() {
    return caseSensitive;
  }

  /** {@code tokens} without the stop words. */
  public List<String> remove(List<String> tokens) {
    List<String> kept = new ArrayList<>(tokens.size());
    for (String t : tokens) {
      if (!lookup.contains(caseSensitive ? t : t.toLowerCase(Locale.ROOT))) {
        kept.add(t);
      }
    }
    return kept;
  }

  @Override
  String stageName() {
    return "StopWordsRemover";
  }

  @Override
  boolean readsTokens() {
    return true;
  }

  @Override
  TokenFunction<List<String>> function() {
    return (tokens, row) -> remove(tokens);
  }

  @Override
  void addParameters(Map<String, String> parameters) {
    parameters.put(
        "stopWords",
        stopWords.equals(English.WORDS)
            ? "english (" + stopWords.size() + " words)"
            : stopWords.toString());
    parameters.put("caseSensitive", Boolean.toString(caseSensitive));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StopWordsRemoverMapper s
        && inputCol.equals(s.inputCol)
        && outputCol.equals(s.outputCol)
        && stopWords.equals(s.stopWords)
        && caseSensitive == s.caseSensitive;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCol, outputCol, stopWords, caseSensitive);
  }

  /** The English list, read once when first used. */
  private static final class English {
    static final List<String> WORDS = read();

    private static List<String> read() {
      InputStream in = StopWordsRemoverMapper.class.getResourceAsStream(ENGLISH_RESOURCE);
      if (in == null) {
        throw new IllegalStateException("Missing resource " + ENGLISH_RESOURCE);
      }
      List<String> words = new ArrayList<>();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          String w = line.strip();
          if (!w.isEmpty() && !w.startsWith("#")) {
            words.add(w);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return List.copyOf(words);
    }
  }

  /**
   * Deterministic, versioned coder for {@link StopWordsRemoverMapper}.
   *
   * <pre>{@code
   * StopWordsRemoverMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<StopWordsRemoverMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(StopWordsRemoverMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      TextCoding.writeString(value.inputCol, data);
      TextCoding.writeString(value.outputCol, data);
      TextCoding.writeStrings(value.stopWords, data);
      data.writeBoolean(value.caseSensitive);
      data.flush();
    }

    @Override
    public StopWordsRemoverMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "stop words remover");
      DataInputStream data = new DataInputStream(in);
      String inputCol = TextCoding.readString(data);
      String outputCol = TextCoding.readString(data);
      List<String> stopWords = TextCoding.readStrings(data);
      return new StopWordsRemoverMapper(inputCol, outputCol, stopWords, data.readBoolean());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
