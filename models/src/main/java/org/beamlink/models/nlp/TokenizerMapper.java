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
import java.util.regex.Pattern;
import org.apache.beam.sdk.coders.CustomCoder;
import org.beamlink.models.linalg.ArrayEncoding;

/**
 * Splits text into lower-case tokens at whitespace, as Spark ML's {@code Tokenizer}: the text is
 * lower-cased ({@link Locale#ROOT}, so the result does not depend on the machine's locale) and
 * split at runs of whitespace (Java regex {@code \s}: space, tab, line breaks, form feed).
 * Punctuation stays part of its token ({@code "Hi, you!"} gives {@code [hi,, you!]}); use {@link
 * RegexTokenizerMapper} to split at it.
 *
 * <p>Empty tokens are dropped: an empty or all-blank text gives an empty array. (Spark splits at
 * each single whitespace character, so two spaces, a leading space or an empty text give it empty
 * tokens.) A null text gives a null token array (null in, null out).
 *
 * <pre>{@code
 * TokenizerMapper t = TokenizerMapper.of("text", "tokens");
 * Row out = t.bind(schema).apply(row); // "Hello  World" -> [hello, world]
 * }</pre>
 */
public final class TokenizerMapper extends TextStage<String> {
  private static final long serialVersionUID = 1L;
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private TokenizerMapper(String inputCol, String outputCol) {
    super(inputCol, outputCol);
  }

  /**
   * Tokenizes text column {@code inputCol} into token column {@code outputCol}.
   *
   * @throws IllegalArgumentException for an empty or null column name
   */
  public static TokenizerMapper of(String inputCol, String outputCol) {
    return new TokenizerMapper(inputCol, outputCol);
  }

  /** The tokens of {@code text}: lower-cased, split at whitespace, no empty tokens. */
  public static List<String> tokenize(String text) {
    String[] parts = WHITESPACE.split(text.toLowerCase(Locale.ROOT));
    List<String> tokens = new ArrayList<>(parts.length);
    for (String p : parts) {
      if (!p.isEmpty()) {
        tokens.add(p);
      }
    }
    return tokens;
  }

  @Override
  String stageName() {
    return "Tokenizer";
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
  void addParameters(Map<String, String> parameters) {}

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenizerMapper t
        && inputCol.equals(t.inputCol)
        && outputCol.equals(t.outputCol);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputCol, outputCol);
  }

  /**
   * Deterministic, versioned coder for {@link TokenizerMapper}.
   *
   * <pre>{@code
   * TokenizerMapper.Coder.of().encode(mapper, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<TokenizerMapper> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(TokenizerMapper value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      TextCoding.writeString(value.inputCol, data);
      TextCoding.writeString(value.outputCol, data);
      data.flush();
    }

    @Override
    public TokenizerMapper decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "tokenizer");
      DataInputStream data = new DataInputStream(in);
      String inputCol = TextCoding.readString(data);
      return new TokenizerMapper(inputCol, TextCoding.readString(data));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
