package org.beamlink.examples.bench;

import java.util.Locale;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.GaugeResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.beamlink.iteration.ComQueueMetrics;

/** Reads the iteration shim's counters ({@link ComQueueMetrics}) from a finished run. */
final class ShimMetrics {
  private ShimMetrics() {}

  /** The counter {@code name} (for example {@code "KMeans.supersteps"}), summed over steps. */
  static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c : query(result, name).getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  /** The gauge {@code name}'s last value, or -1 when the run set none. */
  static long gauge(PipelineResult result, String name) {
    long value = -1;
    for (MetricResult<GaugeResult> g : query(result, name).getGauges()) {
      value = Math.max(value, g.getAttempted().getValue());
    }
    return value;
  }

  private static MetricQueryResults query(PipelineResult result, String name) {
    return result
        .metrics()
        .queryMetrics(
            MetricsFilter.builder()
                .addNameFilter(MetricNameFilter.named(ComQueueMetrics.NAMESPACE, name))
                .build());
  }

  /**
   * Where queue {@code queue}'s partitions were found and what its supersteps moved, as JSON fields
   * (without braces): resident hits and misses, the bytes the distributed stages shipped per
   * superstep, the megabytes of durable copies written and read, and on the distributed path the
   * time of a superstep inside the job (from task 0's first superstep to its close, over the
   * supersteps; null on the in-worker path).
   */
  static String residency(PipelineResult result, String queue) {
    long supersteps = Math.max(1, counter(result, queue + ".supersteps"));
    long start = gauge(result, queue + ".loopStartMillis");
    long end = gauge(result, queue + ".loopEndMillis");
    String loop =
        start < 0 || end < 0
            ? "null"
            : String.format(Locale.ROOT, "%.4f", (end - start) / 1000.0 / supersteps);
    return String.format(
        Locale.ROOT,
        "\"residentHits\":%d,\"residentMisses\":%d,\"shippedBytesPerSuperstep\":%d,"
            + "\"durableMBWritten\":%.1f,\"durableMBRead\":%.1f,\"jobLoopSecondsPerSuperstep\":%s",
        counter(result, queue + ".residentHits"),
        counter(result, queue + ".residentMisses"),
        counter(result, queue + ".shippedBytes") / supersteps,
        counter(result, queue + ".durableBytesWritten") / 1e6,
        counter(result, queue + ".durableBytesRead") / 1e6,
        loop);
  }
}
