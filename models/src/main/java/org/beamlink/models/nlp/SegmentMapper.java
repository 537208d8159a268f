package org.beamlink.models.nlp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.values.Row;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * Segments Chinese text into words with Lucene's {@code SmartChineseAnalyzer} (the {@code
 * lucene-analysis-smartcn} module: a hidden Markov model over a word and bigram dictionary from
 * ICTCLAS), as Alink's {@code Segment} does with jieba: {@code "我是中国人"} gives {@code [我, 是, 中国,
 * 人]}.
 *
 * <p>What the analyzer does besides segmenting, and so what this stage outputs: punctuation and
 * symbols (Chinese and ASCII: {@code ，。！、：；“”（）《》} and {@code ,.!?;:"'()[]{}<>*#&^$@~+-/\=|_`}, as
 * well as {@code %}, {@code ①} and other characters it classes as delimiters) and whitespace
 * (ideographic space included) are dropped, using the analyzer's default stop set, which holds
 * punctuation only (no Chinese or English stop words: use a {@code StopWordsRemover} for those);
 * Latin letters are lower-cased and English words are reduced by the Porter stemmer ({@code
 * "running"} gives {@code "run"}); a run of digits is one token; letters outside ASCII that it does
 * not know as Chinese are single tokens ({@code "café"} gives {@code [caf, é]}).
 *
 * <p>User dictionary: the analyzer has no API for one, so this stage first cuts the text at the
 * dictionary's words, found left to right, longest first where several start at the same place
 * ("forward maximum matching"); each dictionary word is one token, exactly as it appears in the
 * text, and the text between them is segmented by the analyzer. So {@code "小明硕士毕业"} with the word
 * {@code 小明} gives {@code [小明, 硕士, 毕业]} where the analyzer alone gives {@code [小, 明, 硕士, 毕业]}. A
 * dictionary word also splits the text around it, which may change how the neighbouring text is
 * segmented.
 *
 * <p>A null text gives a null token array (null in, null out); an empty text gives an empty array.
 *
 * <p>The analyzer is made when the stage is bound, not serialized with it; one bound stage is
 * shared by threads safely, as a Lucene analyzer keeps its token stream per thread.
 *
 * <pre>{@code
 * SegmentMapper s = SegmentMapper.of("text", "words", List.of("小明"));
 * Row out = s.bind(schema).apply(row);
 * }</pre>
 */
public final class SegmentMapper extends TextStage<String> {
  private static final long serialVersionUID = 1L;

  private final List<String> userDictionary;

  private SegmentMapper(String inputCol, String outputCol, List<String> userDictionary) {
    super(inputCol, outputCol);
    if (userDictionary == null) {
      throw new IllegalArgumentException("Expected a user dictionary (maybe empty), got null");
    }
    for (String w : userDictionary) {
      if (w == null || w.isEmpty()) {
        throw new IllegalArgumentException(
            "Expected non-empty words in the user dictionary, got '" + w + "'");
      }
    }
    this.userDictionary = List.copyOf(userDictionary);
  }

  /**
   * Segments text column {@code inputCol} into token column {@code outputCol}, keeping the words of
   * {@code userDictionary} whole.
   *
   * @throws IllegalArgumentException for a null or empty dictionary word or an empty column name
   */
  public static SegmentMapper of(String inputCol, String outputCol, List<String> userDictionary) {
    return new SegmentMapper(inputCol, outputCol, userDictionary);
  }

  /** The words kept whole, as given. */
  public List<String> userDictionary() {
    return userDictionary;
  }

  @Override
  String stageName() {
    return "Segment";
  }

  @Override
  boolean readsTokens() {
    return false;
  }

  @Override
  TokenFunction<String> function() {
    return new Segmenter(userDictionary)::segment;
  }

  @Override
  void addParameters(Map<String, String> parameters) {
    parameters.put("userDictionary", userDictionary.toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SegmentMapper s
        && inputCol.equals(s.inputCol)
        && outputCol.equals(s.outputCol)
        && userDictionary.equals(s.userDictionary);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCol, outputCol, userDictionary);
  }

  /** The analyzer and the dictionary of one bound stage: made by each bind, never serialized. */
  private static final class Segmenter {
    private final Analyzer analyzer = new SmartChineseAnalyzer(true);
    // Dictionary words by first char, longest first.
    private final Map<Character, List<String>> byFirstChar = new HashMap<>();

    Segmenter(List<String> dictionary) {
      for (String w : dictionary) {
        byFirstChar.computeIfAbsent(w.charAt(0), c -> new ArrayList<>()).add(w);
      }
      byFirstChar.values().forEach(l -> l.sort(Comparator.comparingInt(String::length).reversed()));
    }

    List<String> segment(String text, Row row) {
      List<String> tokens = new ArrayList<>();
      int gapStart = 0;
      int i = 0;
      while (i < text.length()) {
        String word = wordAt(text, i);
        if (word == null) {
          i++;
          continue;
        }
        analyze(text.substring(gapStart, i), tokens);
        tokens.add(word);
        i += word.length();
        gapStart = i;
      }
      analyze(text.substring(gapStart), tokens);
      return tokens;
    }

    private String wordAt(String text, int i) {
      List<String> candidates = byFirstChar.get(text.charAt(i));
      if (candidates != null) {
        for (String w : candidates) {
          if (text.startsWith(w, i)) {
            return w;
          }
        }
      }
      return null;
    }

    private void analyze(String text, List<String> out) {
      if (text.isEmpty()) {
        return;
      }
      try (TokenStream ts = analyzer.tokenStream("text", text)) {
        CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
        ts.reset();
        while (ts.incrementToken()) {
          out.add(term.toString());
        }
        ts.end();
      } catch (IOException e) {
        // A StringReader does not fail; an IOException here is a broken analyzer.
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Deterministic, versioned coder for {@link SegmentMapper}.
   *
   * <pre>{@code
   * SegmentMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<SegmentMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(SegmentMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      TextCoding.writeString(value.inputCol, data);
      TextCoding.writeString(value.outputCol, data);
      TextCoding.writeStrings(value.userDictionary, data);
      data.flush();
    }

    @Override
    public SegmentMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "segment");
      DataInputStream data = new DataInputStream(in);
      String inputCol = TextCoding.readString(data);
      String outputCol = TextCoding.readString(data);
      return new SegmentMapper(inputCol, outputCol, TextCoding.readStrings(data));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
