/**
 * Online learning on unbounded {@code PCollection}s: trainers that keep their model in Beam state
 * and emit a stream of {@link org.beamlink.models.online.ModelVersion}s: {@link
 * org.beamlink.transforms.online.Ftrl} (FTRL-Proximal logistic regression from a batch model),
 * {@link org.beamlink.transforms.online.StreamingKMeans} (Spark's streaming k-means) and {@link
 * org.beamlink.transforms.online.OnlineStandardScaler} (running feature statistics). Prediction
 * with a model stream is {@link org.beamlink.transforms.pipeline.ApplyModel#ofVersions}.
 */
package org.beamlink.transforms.online;
