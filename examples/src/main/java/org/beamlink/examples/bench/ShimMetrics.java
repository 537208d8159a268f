package org.beamlink.examples.bench;

import java.util.Locale;
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

  /**
   * Where queue {@code queue}'s partitions were found and what its supersteps moved, as JSON fields
   * (without braces): resident hits and misses, the bytes the distributed stages shipped per
   * superstep, and the megabytes of durable copies written and read.
   */
  static String residency(PipelineResult result, String queue) {
    long supersteps = Math.max(1, counter(result, queue + ".supersteps"));
    return String.format(
        Locale.ROOT,
        "\"residentHits\":%d,\"residentMisses\":%d,\"shippedBytesPerSuperstep\":%d,"
            + "\"durableMBWritten\":%.1f,\"durableMBRead\":%.1f",
        counter(result, queue + ".residentHits"),
        counter(result, queue + ".residentMisses"),
        counter(result, queue + ".shippedBytes") / supersteps,
        counter(result, queue + ".durableBytesWritten") / 1e6,
        counter(result, queue + ".durableBytesRead") / 1e6);
  }
}
