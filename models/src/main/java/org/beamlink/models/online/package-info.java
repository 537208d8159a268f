/**
 * Model streams and the pure-Java cores of the online learners: {@link
 * org.beamlink.models.online.ModelVersion} is one version of a model as an online trainer emits it
 * (number, examples seen, event-time range, source); {@link org.beamlink.models.online.FtrlLearner}
 * is FTRL-Proximal on sparse state and {@link org.beamlink.models.online.StreamingKMeansState}
 * Spark's streaming k-means update, the same code the Beam transforms run.
 */
package org.beamlink.models.online;
