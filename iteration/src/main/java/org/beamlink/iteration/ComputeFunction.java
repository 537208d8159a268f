package org.beamlink.iteration;

import java.io.Serializable;

/**
 * One step of computation, run on every partition in every superstep.
 *
 * <pre>{@code
 * class AddOne extends ComputeFunction {
 *   public void calc(ComContext context) {
 *     double[] buf = context.getObj("buf");
 *     buf[0] += 1;
 *   }
 * }
 * }</pre>
 */
public abstract class ComputeFunction implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Does this step's work on one partition. */
  public abstract void calc(ComContext context);
}
