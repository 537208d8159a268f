package org.beamlink.transforms.linear;

import org.apache.beam.sdk.transforms.Combine;
import org.beamlink.models.linalg.Block;

/**
 * The smallest and largest feature size over all blocks, and the number of rows: {@code {min, max,
 * rows}}, {@code {0, 0, 0}} for no blocks. Training checks the sizes agree and knows the dimension
 * before its first superstep even on partitions that hold no data.
 */
final class BlockShape extends Combine.CombineFn<Block, double[], double[]> {
  private static final long serialVersionUID = 1L;

  @Override
  public double[] createAccumulator() {
    return new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0};
  }

  @Override
  public double[] addInput(double[] acc, Block block) {
    acc[0] = Math.min(acc[0], block.numCols());
    acc[1] = Math.max(acc[1], block.numCols());
    acc[2] += block.numRows();
    return acc;
  }

  @Override
  public double[] mergeAccumulators(Iterable<double[]> accumulators) {
    double[] merged = createAccumulator();
    for (double[] a : accumulators) {
      merged[0] = Math.min(merged[0], a[0]);
      merged[1] = Math.max(merged[1], a[1]);
      merged[2] += a[2];
    }
    return merged;
  }

  @Override
  public double[] extractOutput(double[] acc) {
    return acc[2] == 0 ? new double[] {0, 0, 0} : acc.clone();
  }
}
