/**
 * How Beamlink pipelines are run: {@link org.beamlink.runners.RunnerOptions} turns command-line
 * arguments into {@link org.apache.beam.sdk.options.PipelineOptions} with the project's defaults
 * (embedded Flink, DataStream batch translation, a remote cluster with the shaded jar staged).
 */
package org.beamlink.runners;
