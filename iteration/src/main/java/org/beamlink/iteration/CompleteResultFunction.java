package org.beamlink.iteration;

import java.io.Serializable;
import java.util.List;

/**
 * Turns a partition's final state into output elements; the queue's output is the union over
 * partitions. Usually only task 0 returns the model.
 *
 * <pre>{@code
 * CompleteResultFunction<double[]> out =
 *     context -> context.getTaskId() == 0 ? List.of(context.getObj("model")) : List.of();
 * }</pre>
 */
@FunctionalInterface
public interface CompleteResultFunction<T> extends Serializable {
  /** The output elements of one partition (possibly none). */
  List<T> calc(ComContext context);
}
