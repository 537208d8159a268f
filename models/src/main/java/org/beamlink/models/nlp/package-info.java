/**
 * Text stages as plain-Java {@link org.beamlink.models.pipeline.Transformer}s: tokenizers,
 * stop-word removal, n-grams, Chinese word segmentation, and the fitted count and hashing
 * vectorizers, each with a deterministic versioned coder declared in {@link NlpFormats}. Token
 * columns are {@link TokenColumns#FIELD_TYPE} (an array of STRING). The {@code PTransform}s that
 * fit and apply them are in {@code org.beamlink.transforms.nlp}.
 */
package org.beamlink.models.nlp;
