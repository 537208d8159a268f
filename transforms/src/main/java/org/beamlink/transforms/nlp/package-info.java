/**
 * Text transforms, as Spark ML's and Alink's: {@link org.beamlink.transforms.nlp.Tokenizer}, {@link
 * org.beamlink.transforms.nlp.RegexTokenizer}, {@link
 * org.beamlink.transforms.nlp.StopWordsRemover}, {@link org.beamlink.transforms.nlp.NGram}, Chinese
 * word segmentation ({@link org.beamlink.transforms.nlp.Segment}), and the fitted vectorizers
 * {@link org.beamlink.transforms.nlp.DocCountVectorizer} and {@link
 * org.beamlink.transforms.nlp.DocHashCountVectorizer}. All are pipeline stages; their fitted and
 * plain stages are in {@code org.beamlink.models.nlp}.
 */
package org.beamlink.transforms.nlp;
