package org.beamlink.iteration;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The Beam metrics a ComQueue reports, in namespace {@value #NAMESPACE}, named after the queue:
 * {@code <queue>.supersteps} (supersteps completed), {@code <queue>.computeMillis} (time inside
 * compute functions, summed over tasks) and, on the in-worker path, {@code <queue>.loopMillis}
 * (wall time of the whole loop). A runner's UI shows them while the job runs.
 *
 * <pre>{@code
 * MetricsFilter filter = MetricsFilter.builder()
 *     .addNameFilter(MetricNameFilter.named(ComQueueMetrics.NAMESPACE, "KMeans.supersteps"))
 *     .build();
 * result.metrics().queryMetrics(filter);
 * }</pre>
 */
public final class ComQueueMetrics {
  /** The metrics namespace. */
  public static final String NAMESPACE = "beamlink.iteration";

  private ComQueueMetrics() {}

  static Counter supersteps(String queue) {
    return Metrics.counter(NAMESPACE, queue + ".supersteps");
  }

  static Counter computeMillis(String queue) {
    return Metrics.counter(NAMESPACE, queue + ".computeMillis");
  }

  static Counter loopMillis(String queue) {
    return Metrics.counter(NAMESPACE, queue + ".loopMillis");
  }
}
