package org.beamlink.transforms.classification;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.classification.NaiveBayesModel;
import org.beamlink.models.classification.NaiveBayesModelType;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.RowText;
import org.beamlink.transforms.stats.ClassStatsFn;

/**
 * The one pass behind {@link NaiveBayes#fit()}: a {@link ClassStatsFn} keeping, per class, the row
 * count, the total weight and either the weighted feature sums (multinomial), the weighted presence
 * counts (Bernoulli) or the weighted means and sums of squared deviations (Gaussian); then the
 * model of those statistics.
 */
final class NaiveBayesTraining {
  private NaiveBayesTraining() {}

  /** The parameters of one fit. */
  record Params(
      NaiveBayesModelType type,
      FeatureColumns features,
      String labelCol,
      TypeName labelType,
      String weightCol,
      double smoothing,
      double binarize,
      double varSmoothing,
      String predictionCol,
      String predictionDetailCol,
      String probabilityCol,
      Map<String, String> description)
      implements Serializable {}

  /** The combine of every class's statistics; {@code weightIndex} is -1 without weights. */
  static ClassStatsFn statsFn(Params params, FeatureColumns.Bound features, int weightIndex) {
    ClassStatsFn fn =
        ClassStatsFn.of(
            "NaiveBayes", features, params.labelCol(), NaiveBayes.MAX_CLASSES, new AddRow(params));
    if (weightIndex >= 0) {
      fn = fn.withWeight(params.weightCol(), weightIndex);
    }
    return params.type() == NaiveBayesModelType.GAUSSIAN ? fn.withMoments() : fn;
  }

  /** What a row adds to its class, by the event model. */
  private static final class AddRow implements ClassStatsFn.RowUpdate {
    private static final long serialVersionUID = 1L;

    private final Params params;

    AddRow(Params params) {
      this.params = params;
    }

    @Override
    public void add(ClassStatsFn.ClassStats s, Vector x, double w, Row row) {
      switch (params.type()) {
        case MULTINOMIAL ->
            x.forEachNonzero(
                (j, v) -> {
                  checkNonNegative(j, v, row);
                  s.addToSum(j, w * v);
                });
        case BERNOULLI -> {
          double threshold = params.binarize();
          x.forEachNonzero(
              (j, v) -> {
                checkNonNegative(j, v, row);
                if (v > threshold) {
                  s.addToSum(j, w);
                }
              });
        }
        case GAUSSIAN -> {
          if (w > 0) {
            s.addToMoments(x.toArray(), w);
          }
        }
      }
    }

    private void checkNonNegative(int j, double v, Row row) {
      if (v < 0) {
        List<String> cols = params.features().featureCols();
        String where =
            cols != null
                ? "column '" + cols.get(j) + "'"
                : "vector column '" + params.features().vectorCol() + "' at index " + j;
        throw new IllegalArgumentException(
            "NaiveBayes ("
                + params.type()
                + "): "
                + where
                + " has negative value "
                + v
                + " in row "
                + RowText.of(row)
                + "; multinomial and Bernoulli naive Bayes need non-negative features (counts,"
                + " frequencies or TF-IDF); use GAUSSIAN for real-valued features");
      }
    }
  }

  /**
   * The model from the statistics of all rows; fails on an empty input, a single class, or a class
   * whose rows all weigh 0.
   */
  static final class BuildModel extends SimpleFunction<ClassStatsFn.Table, NaiveBayesModel> {
    private static final long serialVersionUID = 1L;

    private final Params params;

    BuildModel(Params params) {
      this.params = params;
    }

    @Override
    public NaiveBayesModel apply(ClassStatsFn.Table stats) {
      List<String> labels = stats.labels(params.labelType(), "NaiveBayes", params.labelCol());
      int k = labels.size();
      double[] counts = new double[k];
      double[][] sums = new double[k][];
      long rows = 0;
      for (int c = 0; c < k; c++) {
        ClassStatsFn.ClassStats s = stats.get(labels.get(c));
        if (!(s.weight() > 0)) {
          throw new IllegalArgumentException(
              "NaiveBayes: every row of class "
                  + labels.get(c)
                  + " in column '"
                  + params.labelCol()
                  + "' has weight 0 (weight column '"
                  + params.weightCol()
                  + "'); a class needs a total weight above 0");
        }
        counts[c] = s.weight();
        sums[c] = s.sums();
        rows += s.rows();
      }
      Provenance provenance =
          Provenance.of("NaiveBayes", params.description(), 0L, 1, Double.NaN, rows);
      NaiveBayesModel model =
          params.type() == NaiveBayesModelType.GAUSSIAN
              ? gaussian(stats, labels, counts, sums, provenance)
              : NaiveBayesModel.discrete(
                  params.type(),
                  params.features(),
                  labels,
                  params.labelType(),
                  counts,
                  sums,
                  params.smoothing(),
                  params.binarize(),
                  provenance);
      return model
          .withPredictionCols(params.predictionCol(), params.predictionDetailCol())
          .withProbabilityCol(params.probabilityCol());
    }

    /**
     * scikit-learn's GaussianNB: population variances per class, plus {@code epsilon = varSmoothing
     * * max_j var(x_j)} over all rows (here weighted; scikit-learn ignores the weights in this one
     * number).
     */
    private NaiveBayesModel gaussian(
        ClassStatsFn.Table stats,
        List<String> labels,
        double[] counts,
        double[][] means,
        Provenance provenance) {
      int d = stats.dimension();
      double[][] variances = new double[labels.size()][d];
      for (int c = 0; c < labels.size(); c++) {
        ClassStatsFn.ClassStats s = stats.get(labels.get(c));
        for (int j = 0; j < d; j++) {
          variances[c][j] = s.m2()[j] / s.weight();
        }
      }
      ClassStatsFn.ClassStats all = stats.pooled(labels);
      double largest = 0.0;
      for (int j = 0; j < d; j++) {
        largest = Math.max(largest, all.m2()[j] / all.weight());
      }
      return NaiveBayesModel.gaussian(
          params.features(),
          labels,
          params.labelType(),
          counts,
          means,
          variances,
          params.varSmoothing() * largest,
          provenance);
    }
  }
}
