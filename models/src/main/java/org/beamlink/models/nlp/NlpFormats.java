package org.beamlink.models.nlp;

import java.util.List;
import org.beamlink.models.io.ModelFormat;
import org.beamlink.models.io.ModelFormatProvider;

/**
 * The formats of the text stages (tokenizers, n-grams, segmentation, vectorizers), found by {@link
 * org.beamlink.models.io.ModelFormats} through {@code META-INF/services}: each stage's type name
 * and its own versioned coder.
 *
 * <pre>{@code
 * List<ModelFormat<?>> formats = new NlpFormats().formats();
 * }</pre>
 */
public final class NlpFormats implements ModelFormatProvider {
  @Override
  public List<ModelFormat<?>> formats() {
    return List.of(
        ModelFormat.of(
            "tokenizer",
            TokenizerMapper.class,
            TokenizerMapper.Coder.of(),
            TokenizerMapper::parameters),
        ModelFormat.of(
            "regex-tokenizer",
            RegexTokenizerMapper.class,
            RegexTokenizerMapper.Coder.of(),
            RegexTokenizerMapper::parameters),
        ModelFormat.of(
            "stop-words-remover",
            StopWordsRemoverMapper.class,
            StopWordsRemoverMapper.Coder.of(),
            StopWordsRemoverMapper::parameters),
        ModelFormat.of("ngram", NGramMapper.class, NGramMapper.Coder.of(), NGramMapper::parameters),
        ModelFormat.of(
            "segment", SegmentMapper.class, SegmentMapper.Coder.of(), SegmentMapper::parameters),
        ModelFormat.of(
            "doc-count-vectorizer-model",
            DocCountVectorizerModel.class,
            DocCountVectorizerModel.Coder.of(),
            DocCountVectorizerModel::parameters),
        ModelFormat.of(
            "doc-hash-count-vectorizer-model",
            DocHashCountVectorizerModel.class,
            DocHashCountVectorizerModel.Coder.of(),
            DocHashCountVectorizerModel::parameters));
  }
}
