package org.beamlink.transforms.tree;

import org.apache.beam.sdk.transforms.Combine;
import org.beamlink.models.linalg.Block;

/**
 * The total weight, the weighted sum of the labels and the number of rows over all blocks: {@code
 * {sum w, sum w y, rows}}. Boosting starts from the weighted mean label it gives.
 */
final class LabelSums extends Combine.CombineFn<Block, double[], double[]> {
  private static final long serialVersionUID = 1L;

  @Override
  public double[] createAccumulator() {
    return new double[3];
  }

  @Override
  public double[] addInput(double[] acc, Block block) {
    for (int i = 0; i < block.numRows(); i++) {
      acc[0] += block.weight(i);
      acc[1] += block.weight(i) * block.label(i);
    }
    acc[2] += block.numRows();
    return acc;
  }

  @Override
  public double[] mergeAccumulators(Iterable<double[]> accumulators) {
    double[] merged = createAccumulator();
    for (double[] a : accumulators) {
      for (int t = 0; t < merged.length; t++) {
        merged[t] += a[t];
      }
    }
    return merged;
  }

  @Override
  public double[] extractOutput(double[] acc) {
    return acc;
  }
}
