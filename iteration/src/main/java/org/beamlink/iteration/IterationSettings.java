package org.beamlink.iteration;

import com.google.auto.value.AutoValue;
import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How an estimator's loop runs on the shim: the {@link Execution} path, the number of partitions
 * and the rows per packed block. Every {@link IterativeFit} holds one; the estimator packs its rows
 * with {@link #blockSize()} and hands the queue to {@link IterativeComQueue#withSettings}.
 *
 * <pre>{@code
 * IterationSettings settings =
 *     IterationSettings.defaults().withExecution(Execution.DISTRIBUTED).withNumTasks(8);
 * PCollection<Block> blocks = rows.apply(PackBlocks.of(features).withBlockSize(settings.blockSize()));
 * IterativeComQueue queue = IterativeComQueue.create("KMeans").withSettings(settings);
 * }</pre>
 */
@AutoValue
public abstract class IterationSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The path the loop runs on; default {@link Execution#AUTO}. */
  public abstract Execution execution();

  /** The number of partitions; null (the default) for the pipeline's parallelism. */
  public abstract @Nullable Integer numTasks();

  /** Rows per packed block; default {@value PackBlocks#DEFAULT_BLOCK_SIZE}. */
  public abstract int blockSize();

  /** AUTO execution, the pipeline's parallelism, {@value PackBlocks#DEFAULT_BLOCK_SIZE} rows. */
  public static IterationSettings defaults() {
    return new AutoValue_IterationSettings(Execution.AUTO, null, PackBlocks.DEFAULT_BLOCK_SIZE);
  }

  /** These settings on {@code execution}. */
  public IterationSettings withExecution(Execution execution) {
    if (execution == null) {
      throw new IllegalArgumentException("Expected an execution, got null");
    }
    return new AutoValue_IterationSettings(execution, numTasks(), blockSize());
  }

  /** These settings with {@code numTasks} partitions, at least 1. */
  public IterationSettings withNumTasks(int numTasks) {
    if (numTasks < 1) {
      throw new IllegalArgumentException("Expected numTasks >= 1, got " + numTasks);
    }
    return new AutoValue_IterationSettings(execution(), numTasks, blockSize());
  }

  /** These settings with {@code blockSize} rows per block, at least 1. */
  public IterationSettings withBlockSize(int blockSize) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("Expected blockSize >= 1, got " + blockSize);
    }
    return new AutoValue_IterationSettings(execution(), numTasks(), blockSize);
  }
}
