package org.beamlink.transforms.feature;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.beamlink.iteration.ComContext;
import org.beamlink.iteration.CompleteResultFunction;
import org.beamlink.iteration.ComputeFunction;
import org.beamlink.models.feature.PcaModel;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DenseBlock;

/**
 * PCA as a ComQueue program of one superstep: {@link Scatter} (a partition's centered scatter
 * matrix), {@code AllReduce.sum(SCATTER)}, and {@link MakeModel} (task 0 eigen-decomposes the sum).
 * Uses no Beam class: only the shim's API.
 */
final class PcaTraining {
  static final String DATA = "data";
  static final String MOMENTS = "moments";
  static final String SCATTER = "scatter";
  private static final String MEAN = "mean";
  private static final String ROWS = "rows";

  private PcaTraining() {}

  /** What the superstep needs, fixed when the pipeline is built. */
  static final class Params implements Serializable {
    private static final long serialVersionUID = 1L;

    final int k;
    final String inputCol;
    final String outputCol;
    final boolean meanCentering;
    final String features;

    Params(int k, String inputCol, String outputCol, boolean meanCentering, String features) {
      this.k = k;
      this.inputCol = inputCol;
      this.outputCol = outputCol;
      this.meanCentering = meanCentering;
      this.features = features;
    }
  }

  /** This partition's centered scatter matrix, under {@link #SCATTER}. */
  static final class Scatter extends ComputeFunction {
    private static final long serialVersionUID = 1L;
    private final Params params;

    Scatter(Params params) {
      this.params = params;
    }

    @Override
    public void calc(ComContext context) {
      double[] moments = context.<List<double[]>>getObj(MOMENTS).get(0);
      long rows = (long) moments[2];
      if (rows == 0) {
        throw new IllegalArgumentException("PCA: no rows to fit on");
      }
      if (moments[0] != moments[1]) {
        throw new IllegalArgumentException(
            "Features from "
                + params.features
                + " have sizes from "
                + (int) moments[0]
                + " to "
                + (int) moments[1]
                + " in different rows; expected one size");
      }
      int d = (int) moments[1];
      PcaModel.checkDimension(d);
      double[] mean = new double[d];
      for (int j = 0; j < d; j++) {
        mean[j] = moments[3 + j] / rows;
      }
      double[] scatter = new double[d * d];
      double[] sparseGram = null;
      double[] sparseSums = null;
      long sparseRows = 0;
      for (Block b : context.<List<Block>>getObj(DATA)) {
        int n = b.numRows();
        double[] ones = new double[n];
        Arrays.fill(ones, 1.0);
        if (b instanceof DenseBlock dense) {
          double[] centered = new double[n * d];
          dense.copyValuesTo(centered, 0);
          for (int i = 0, off = 0; i < n; i++, off += d) {
            for (int j = 0; j < d; j++) {
              centered[off + j] -= mean[j];
            }
          }
          DenseBlock.of(n, d, centered, null, null).addWeightedGram(ones, scatter);
        } else {
          if (sparseGram == null) {
            sparseGram = new double[d * d];
            sparseSums = new double[d];
          }
          b.addWeightedGram(ones, sparseGram);
          b.transposeMultiplyAdd(ones, sparseSums);
          sparseRows += n;
        }
      }
      if (sparseGram != null) {
        // sum (x - m)(x - m)^T = X^T X - m s^T - s m^T + n m m^T over the sparse rows.
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            scatter[i * d + j] +=
                sparseGram[i * d + j]
                    - mean[i] * sparseSums[j]
                    - sparseSums[i] * mean[j]
                    + sparseRows * mean[i] * mean[j];
          }
        }
      }
      context.putObj(MEAN, mean);
      context.putObj(ROWS, rows);
      context.putObj(SCATTER, scatter);
    }
  }

  /** Task 0 eigen-decomposes the reduced scatter matrix into the model. */
  static final class MakeModel implements CompleteResultFunction<PcaModel> {
    private static final long serialVersionUID = 1L;
    private final Params params;

    MakeModel(Params params) {
      this.params = params;
    }

    @Override
    public List<PcaModel> calc(ComContext context) {
      if (context.getTaskId() != 0) {
        return List.of();
      }
      return List.of(
          PcaModel.fromScatter(
              params.inputCol,
              params.outputCol,
              params.meanCentering,
              context.getObj(MEAN),
              context.getObj(SCATTER),
              context.<Long>getObj(ROWS),
              params.k));
    }
  }
}
