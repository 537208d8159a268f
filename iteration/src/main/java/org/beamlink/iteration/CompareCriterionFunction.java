package org.beamlink.iteration;

import java.io.Serializable;

/**
 * The stop test, evaluated once per superstep after the last queue item. It must depend only on
 * values that are the same on every partition (reduced buffers, broadcast data, the step number):
 * every partition must reach the same answer, which the shim checks.
 *
 * <pre>{@code
 * queue.setCompareCriterion(context -> ((double[]) context.getObj("movement"))[0] < 1e-4);
 * }</pre>
 */
@FunctionalInterface
public interface CompareCriterionFunction extends Serializable {
  /** True to stop the loop after this superstep. */
  boolean calc(ComContext context);
}
