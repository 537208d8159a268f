package org.beamlink.iteration;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Gauge;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The Beam metrics a ComQueue reports, in namespace {@value #NAMESPACE}, named after the queue. A
 * runner's UI shows them while the job runs.
 *
 * <ul>
 *   <li>{@code <queue>.supersteps}: supersteps completed.
 *   <li>{@code <queue>.computeMillis}: time inside compute functions, summed over tasks.
 *   <li>{@code <queue>.loopMillis}: on the in-worker path, the wall time of the whole loop.
 *   <li>{@code <queue>.shippedBytes}: on the distributed path, the encoded bytes the unrolled
 *       stages send on (each partition's token and partial), summed over stages and tasks; over
 *       {@code supersteps}, the bytes a superstep moves.
 *   <li>{@code <queue>.residentHits} and {@code <queue>.residentMisses}: steps that found their
 *       partition's data in their JVM, and steps that read it from its durable copy.
 *   <li>{@code <queue>.loopStartMillis} and {@code <queue>.loopEndMillis} (gauges): on the
 *       distributed path, the wall-clock times at which task 0 started its first superstep and
 *       closed; their difference over {@code supersteps} is the time of a superstep, scheduling
 *       included.
 *   <li>{@code <queue>.durableBytesWritten} and {@code <queue>.durableBytesRead}: bytes of the
 *       durable copies written (once per input element, and for objects the program put in place of
 *       its data) and read back by misses.
 * </ul>
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

  static Gauge loopStartMillis(String queue) {
    return Metrics.gauge(NAMESPACE, queue + ".loopStartMillis");
  }

  static Gauge loopEndMillis(String queue) {
    return Metrics.gauge(NAMESPACE, queue + ".loopEndMillis");
  }

  static Counter shippedBytes(String queue) {
    return Metrics.counter(NAMESPACE, queue + ".shippedBytes");
  }

  static Counter residentHits(String queue) {
    return Metrics.counter(NAMESPACE, queue + ".residentHits");
  }

  static Counter residentMisses(String queue) {
    return Metrics.counter(NAMESPACE, queue + ".residentMisses");
  }

  static Counter durableBytesWritten(String queue) {
    return Metrics.counter(NAMESPACE, queue + ".durableBytesWritten");
  }

  static Counter durableBytesRead(String queue) {
    return Metrics.counter(NAMESPACE, queue + ".durableBytesRead");
  }
}
