package org.beamlink.models.optim;

import java.io.Serializable;
import org.beamlink.models.linalg.Block;

/**
 * A training objective summed over blocks of rows: the weighted loss, its gradient with respect to
 * the parameters, and optionally its Hessian. Sums are not normalised: the caller adds the blocks
 * of all partitions and divides by their total weight.
 *
 * <p>{@code rowMask} selects rows for mini-batches: row {@code i} counts with weight {@code
 * block.weight(i) * rowMask[i]}; null means every row counts with its weight.
 *
 * <pre>{@code
 * BlockObjective objective = new GlmObjective(new LogisticLoss(), d, true);
 * double[] grad = new double[objective.numParams()];
 * double loss = 0;
 * for (Block b : blocks) {
 *   loss += objective.addLossAndGradient(b, params, null, grad);
 * }
 * }</pre>
 */
public interface BlockObjective extends Serializable {
  /** The number of parameters. */
  int numParams();

  /** The number of features a block must have. */
  int numFeatures();

  /**
   * Adds the weighted gradient of the block's rows to {@code grad} and returns their weighted loss.
   */
  double addLossAndGradient(Block block, double[] params, double[] rowMask, double[] grad);

  /** True when {@link #addHessian} is available. */
  boolean hasHessian();

  /**
   * Adds the weighted Hessian of the block's rows to {@code hessian} ({@code numParams()^2},
   * row-major).
   */
  void addHessian(Block block, double[] params, double[] rowMask, double[] hessian);
}
