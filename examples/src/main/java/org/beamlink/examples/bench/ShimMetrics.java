package org.beamlink.examples.bench;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.beamlink.iteration.ComQueueMetrics;

/** Reads the iteration shim's counters ({@link ComQueueMetrics}) from a finished run. */
final class ShimMetrics {
  private ShimMetrics() {}

  /** The counter {@code name} (for example {@code "KMeans.supersteps"}), summed over steps. */
  static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(ComQueueMetrics.NAMESPACE, name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }
}
