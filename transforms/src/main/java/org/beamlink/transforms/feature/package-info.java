/**
 * Feature engineering as composite {@code PTransform}s, as Spark ML's and scikit-learn's
 * preprocessing: estimators with {@code fit()} (scalers, imputer, quantile discretizer, ...) whose
 * models are applied with {@code transform(model)} to bounded or unbounded rows, and plain
 * transforms extending {@link org.beamlink.transforms.pipeline.MapRows} (normalizer, binarizer,
 * bucketizer, ...). Every one is also a pipeline stage.
 */
package org.beamlink.transforms.feature;
