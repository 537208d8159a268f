/**
 * Online learning on unbounded {@code PCollection}s: trainers that keep their model in Beam state
 * and emit a stream of {@link org.beamlink.models.online.ModelVersion}s, such as {@link
 * org.beamlink.transforms.online.StreamingKMeans} (Spark's streaming k-means) and {@link
 * org.beamlink.transforms.online.OnlineStandardScaler} (running feature statistics).
 */
package org.beamlink.transforms.online;
