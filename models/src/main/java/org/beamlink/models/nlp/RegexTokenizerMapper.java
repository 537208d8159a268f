package org.beamlink.models.nlp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * Splits text into tokens with a regular expression, with Spark ML's {@code RegexTokenizer}
 * semantics: the text is lower-cased first when {@code toLowercase} ({@link Locale#ROOT}); with
 * {@code gaps} the pattern matches the separators ({@code Pattern.split}), otherwise it matches the
 * tokens themselves ({@code Matcher.find}); tokens shorter than {@code minTokenLength} chars
 * (UTF-16 units, as Spark's {@code String.length}) are dropped, so with the default of 1 no empty
 * token is kept.
 *
 * <p>The pattern is a Java regex. scikit-learn's default {@code token_pattern}, {@code
 * (?u)\b\w\w+\b}, is {@link #SKLEARN_TOKEN_PATTERN} in Java: {@code (?U)} (Unicode character
 * classes) is what Python's {@code (?u)} means, whereas Java's {@code (?u)} only makes
 * case-insensitive matching Unicode-aware and leaves {@code \w} ASCII while {@code \b} sees all
 * letters (so {@code "café"} would give no token at all).
 *
 * <p>A null text gives a null token array (null in, null out); an empty text gives an empty array.
 *
 * <pre>{@code
 * RegexTokenizerMapper t = RegexTokenizerMapper.of(
 *     "text", "tokens", RegexTokenizerMapper.SKLEARN_TOKEN_PATTERN, false, 1, true);
 * Row out = t.bind(schema).apply(row); // "Hello, World!" -> [hello, world]
 * }</pre>
 */
public final class RegexTokenizerMapper extends TextStage<String> {
  private static final long serialVersionUID = 1L;

  /** Spark's default pattern: runs of whitespace, used as gaps. */
  public static final String DEFAULT_PATTERN = "\\s+";

  /**
   * scikit-learn's default {@code token_pattern} in Java syntax: words of two or more word
   * characters (letters, digits, underscore, in any script), used as tokens ({@code gaps=false}).
   */
  public static final String SKLEARN_TOKEN_PATTERN = "(?U)\\b\\w\\w+\\b";

  private final String pattern;
  private final boolean gaps;
  private final int minTokenLength;
  private final boolean toLowercase;
  private final Pattern compiled;

  private RegexTokenizerMapper(
      String inputCol,
      String outputCol,
      String pattern,
      boolean gaps,
      int minTokenLength,
      boolean toLowercase) {
    super(inputCol, outputCol);
    this.compiled = compile(pattern);
    if (minTokenLength < 0) {
      throw new IllegalArgumentException("Expected minTokenLength >= 0, got " + minTokenLength);
    }
    this.pattern = pattern;
    this.gaps = gaps;
    this.minTokenLength = minTokenLength;
    this.toLowercase = toLowercase;
  }

  /**
   * Checks that {@code pattern} is a Java regular expression and compiles it.
   *
   * @throws IllegalArgumentException for a null or invalid pattern, with the regex error
   */
  public static Pattern compile(String pattern) {
    if (pattern == null) {
      throw new IllegalArgumentException("Expected a regular expression, got null");
    }
    try {
      return Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "Expected a Java regular expression, got '" + pattern + "': " + e.getDescription(), e);
    }
  }

  /**
   * Tokenizes text column {@code inputCol} into token column {@code outputCol}.
   *
   * @throws IllegalArgumentException for an invalid pattern, {@code minTokenLength < 0} or an empty
   *     column name
   */
  public static RegexTokenizerMapper of(
      String inputCol,
      String outputCol,
      String pattern,
      boolean gaps,
      int minTokenLength,
      boolean toLowercase) {
    return new RegexTokenizerMapper(
        inputCol, outputCol, pattern, gaps, minTokenLength, toLowercase);
  }

  /** The regular expression. */
  public String pattern() {
    return pattern;
  }

  /** True when the pattern matches separators, false when it matches tokens. */
  public boolean gaps() {
    return gaps;
  }

  /** Shorter tokens are dropped. */
  public int minTokenLength() {
    return minTokenLength;
  }

  /** Whether the text is lower-cased before tokenizing. */
  public boolean toLowercase() {
    return toLowercase;
  }

  /** The tokens of {@code text}. */
  public List<String> tokenize(String text) {
    String s = toLowercase ? text.toLowerCase(Locale.ROOT) : text;
    List<String> tokens = new ArrayList<>();
    if (gaps) {
      for (String t : compiled.split(s)) {
        if (t.length() >= minTokenLength) {
          tokens.add(t);
        }
      }
    } else {
      Matcher m = compiled.matcher(s);
      while (m.find()) {
        if (m.end() - m.start() >= minTokenLength) {
          tokens.add(m.group());
        }
      }
    }
    return tokens;
  }

  @Override
  String stageName() {
    return "RegexTokenizer";
  }

  @Override
  boolean readsTokens() {
    return false;
  }

  @Override
  TokenFunction<String> function() {
    return (text, row) -> tokenize(text);
  }

  @Override
  void addParameters(Map<String, String> parameters) {
    parameters.put("pattern", pattern);
    parameters.put("gaps", Boolean.toString(gaps));
    parameters.put("minTokenLength", Integer.toString(minTokenLength));
    parameters.put("toLowercase", Boolean.toString(toLowercase));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegexTokenizerMapper t
        && inputCol.equals(t.inputCol)
        && outputCol.equals(t.outputCol)
        && pattern.equals(t.pattern)
        && gaps == t.gaps
        && minTokenLength == t.minTokenLength
        && toLowercase == t.toLowercase;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCol, outputCol, pattern, gaps, minTokenLength, toLowercase);
  }

  /**
   * Deterministic, versioned coder for {@link RegexTokenizerMapper}.
   *
   * <pre>{@code
   * RegexTokenizerMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<RegexTokenizerMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(RegexTokenizerMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      TextCoding.writeString(value.inputCol, data);
      TextCoding.writeString(value.outputCol, data);
      TextCoding.writeString(value.pattern, data);
      data.writeBoolean(value.gaps);
      data.writeInt(value.minTokenLength);
      data.writeBoolean(value.toLowercase);
      data.flush();
    }

    @Override
    public RegexTokenizerMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "regex tokenizer");
      DataInputStream data = new DataInputStream(in);
      String inputCol = TextCoding.readString(data);
      String outputCol = TextCoding.readString(data);
      String pattern = TextCoding.readString(data);
      boolean gaps = data.readBoolean();
      int minTokenLength = data.readInt();
      return new RegexTokenizerMapper(
          inputCol, outputCol, pattern, gaps, minTokenLength, data.readBoolean());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
