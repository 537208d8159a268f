package org.beamlink.iteration;

/**
 * An estimator whose fit runs a loop on the shim: it holds {@link IterationSettings} and gets the
 * settings' options from here, so every such estimator offers the same three with the same checks.
 * An implementation stores the settings and returns a copy of itself with new ones.
 *
 * <pre>{@code
 * KMeans.Fit fit = KMeans.fit().withK(10).withExecution(Execution.DISTRIBUTED).withNumTasks(8);
 * }</pre>
 *
 * @param <F> the estimator's own type
 */
public interface IterativeFit<F extends IterativeFit<F>> {
  /** How the loop runs. */
  IterationSettings iterationSettings();

  /** This estimator with {@code settings}. */
  F withIterationSettings(IterationSettings settings);

  /** This estimator on {@code execution}; default {@link Execution#AUTO}. */
  default F withExecution(Execution execution) {
    return withIterationSettings(iterationSettings().withExecution(execution));
  }

  /** This estimator with {@code numTasks} partitions; default the pipeline's parallelism. */
  default F withNumTasks(int numTasks) {
    return withIterationSettings(iterationSettings().withNumTasks(numTasks));
  }

  /**
   * This estimator packing {@code blockSize} rows per block; default {@value
   * PackBlocks#DEFAULT_BLOCK_SIZE}.
   */
  default F withBlockSize(int blockSize) {
    return withIterationSettings(iterationSettings().withBlockSize(blockSize));
  }
}
