/**
 * Feature-engineering stages as plain-Java {@link org.beamlink.models.pipeline.Transformer}s:
 * fitted models (scalers, imputer, ...) and stateless mappers (normalizer, binarizer, bucketizer,
 * ...), each with a deterministic versioned coder declared in {@link FeatureFormats}. The {@code
 * PTransform}s that fit and apply them are in {@code org.beamlink.transforms.feature}.
 */
package org.beamlink.models.feature;
