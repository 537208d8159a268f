package org.beamlink.transforms.classification;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.classification.NaiveBayesModel;
import org.beamlink.models.classification.NaiveBayesModelType;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.RowText;

/**
 * The one pass behind {@link NaiveBayes#fit()}: per class, the row count, the total weight and
 * either the weighted feature sums (multinomial), the weighted presence counts (Bernoulli) or the
 * weighted means and sums of squared deviations (Gaussian; West's weighted update and Chan et al.'s
 * merge, so the variances are accurate in any order of merging). The stats package's {@code
 * Moments} is not used: it counts rows, not weights.
 *
 * <p>References: D. H. D. West, "Updating mean and variance estimates: an improved method", CACM
 * 22(9), 1979. T. F. Chan, G. H. Golub, R. J. LeVeque, "Updating formulae and a pairwise algorithm
 * for computing sample variances", 1979.
 */
final class NaiveBayesTraining {
  private NaiveBayesTraining() {}

  /** What one class has seen. */
  static final class ClassStats implements Serializable {
    private static final long serialVersionUID = 1L;

    long rows;
    double weight;

    /** Weighted feature sums, presence counts or (Gaussian) means. */
    double[] sums;

    /** Gaussian: weighted sums of squared deviations from the mean; null otherwise. */
    double[] m2;

    ClassStats(int d, boolean gaussian) {
      sums = new double[d];
      m2 = gaussian ? new double[d] : null;
    }

    /** Merges {@code other} into this (Chan et al. for the Gaussian moments). */
    void merge(ClassStats other) {
      rows += other.rows;
      if (m2 == null) {
        weight += other.weight;
        for (int j = 0; j < sums.length; j++) {
          sums[j] += other.sums[j];
        }
        return;
      }
      if (other.weight == 0) {
        return;
      }
      if (weight == 0) {
        weight = other.weight;
        sums = other.sums.clone();
        m2 = other.m2.clone();
        return;
      }
      double total = weight + other.weight;
      double share = other.weight / total;
      double cross = weight * other.weight / total;
      for (int j = 0; j < sums.length; j++) {
        double delta = other.sums[j] - sums[j];
        sums[j] += delta * share;
        m2[j] += other.m2[j] + delta * delta * cross;
      }
      weight = total;
    }
  }

  /** Every class's statistics, by label text; {@code d} is -1 until the first row. */
  static final class Stats implements Serializable {
    private static final long serialVersionUID = 1L;

    int d = -1;
    final TreeMap<String, ClassStats> byLabel = new TreeMap<>();
  }

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

  /** Adds rows to their class's statistics. */
  static final class StatsFn extends Combine.CombineFn<Row, Stats, Stats> {
    private static final long serialVersionUID = 1L;

    private final Params params;
    private final FeatureColumns.Bound features;
    private final int weightIndex;

    StatsFn(Params params, FeatureColumns.Bound features, int weightIndex) {
      this.params = params;
      this.features = features;
      this.weightIndex = weightIndex;
    }

    @Override
    public Stats createAccumulator() {
      return new Stats();
    }

    @Override
    public Stats addInput(Stats acc, Row row) {
      Vector x = features.extract(row);
      String label = LabelValues.text(row, params.labelCol());
      double w = weight(row);
      if (acc.d < 0) {
        acc.d = x.size();
      } else if (x.size() != acc.d) {
        throw new IllegalArgumentException(
            "NaiveBayes: features from "
                + params.features()
                + " have size "
                + x.size()
                + " in row "
                + RowText.of(row)
                + " but size "
                + acc.d
                + " in other rows; expected one size");
      }
      ClassStats s = classOf(acc, label);
      s.rows++;
      switch (params.type()) {
        case MULTINOMIAL -> {
          x.forEachNonzero(
              (j, v) -> {
                checkNonNegative(j, v, row);
                s.sums[j] += w * v;
              });
          s.weight += w;
        }
        case BERNOULLI -> {
          double threshold = params.binarize();
          x.forEachNonzero(
              (j, v) -> {
                checkNonNegative(j, v, row);
                if (v > threshold) {
                  s.sums[j] += w;
                }
              });
          s.weight += w;
        }
        case GAUSSIAN -> {
          if (w > 0) {
            s.weight += w;
            double share = w / s.weight;
            double[] values = x.toArray();
            for (int j = 0; j < values.length; j++) {
              double delta = values[j] - s.sums[j];
              s.sums[j] += delta * share;
              s.m2[j] += w * delta * (values[j] - s.sums[j]);
            }
          }
        }
      }
      return acc;
    }

    private double weight(Row row) {
      if (weightIndex < 0) {
        return 1.0;
      }
      double w = FeatureColumns.numericValue(row, weightIndex, params.weightCol());
      if (w < 0) {
        throw new IllegalArgumentException(
            "NaiveBayes: weight column '"
                + params.weightCol()
                + "' has value "
                + w
                + " in row "
                + RowText.of(row)
                + "; expected a weight >= 0");
      }
      return w;
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

    private ClassStats classOf(Stats acc, String label) {
      ClassStats s = acc.byLabel.get(label);
      if (s == null) {
        if (acc.byLabel.size() >= NaiveBayes.MAX_CLASSES) {
          throw new IllegalArgumentException(
              "NaiveBayes takes at most "
                  + NaiveBayes.MAX_CLASSES
                  + " distinct labels; column '"
                  + params.labelCol()
                  + "' has more, among them "
                  + label
                  + ". Is the label column continuous?");
        }
        s = new ClassStats(acc.d, params.type() == NaiveBayesModelType.GAUSSIAN);
        acc.byLabel.put(label, s);
      }
      return s;
    }

    @Override
    public Stats mergeAccumulators(Iterable<Stats> accumulators) {
      Stats merged = new Stats();
      for (Stats a : accumulators) {
        if (a.d < 0) {
          continue;
        }
        if (merged.d < 0) {
          merged.d = a.d;
        } else if (a.d != merged.d) {
          throw new IllegalArgumentException(
              "NaiveBayes: features from "
                  + params.features()
                  + " have size "
                  + merged.d
                  + " in some rows and size "
                  + a.d
                  + " in others; expected one size");
        }
        for (Map.Entry<String, ClassStats> e : a.byLabel.entrySet()) {
          classOf(merged, e.getKey()).merge(e.getValue());
        }
      }
      return merged;
    }

    @Override
    public Stats extractOutput(Stats acc) {
      return acc;
    }

    @Override
    public Coder<Stats> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return new StatsCoder();
    }

    @Override
    public Coder<Stats> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return new StatsCoder();
    }
  }

  /**
   * The model from the statistics of all rows; fails on an empty input, a single class, or a class
   * whose rows all weigh 0.
   */
  static final class BuildModel extends SimpleFunction<Stats, NaiveBayesModel> {
    private static final long serialVersionUID = 1L;

    private final Params params;

    BuildModel(Params params) {
      this.params = params;
    }

    @Override
    public NaiveBayesModel apply(Stats stats) {
      if (stats.byLabel.isEmpty()) {
        throw new IllegalArgumentException("NaiveBayes: no rows to fit on");
      }
      if (stats.byLabel.size() < 2) {
        throw new IllegalArgumentException(
            "NaiveBayes needs at least 2 distinct labels in column '"
                + params.labelCol()
                + "'; the input has only "
                + stats.byLabel.keySet());
      }
      List<String> labels = new ArrayList<>(stats.byLabel.keySet());
      labels.sort(LabelValues.order(params.labelType()));
      int k = labels.size();
      double[] counts = new double[k];
      double[][] sums = new double[k][];
      long rows = 0;
      for (int c = 0; c < k; c++) {
        ClassStats s = stats.byLabel.get(labels.get(c));
        if (!(s.weight > 0)) {
          throw new IllegalArgumentException(
              "NaiveBayes: every row of class "
                  + labels.get(c)
                  + " in column '"
                  + params.labelCol()
                  + "' has weight 0 (weight column '"
                  + params.weightCol()
                  + "'); a class needs a total weight above 0");
        }
        counts[c] = s.weight;
        sums[c] = s.sums;
        rows += s.rows;
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
        Stats stats,
        List<String> labels,
        double[] counts,
        double[][] means,
        Provenance provenance) {
      ClassStats all = new ClassStats(stats.d, true);
      double[][] variances = new double[labels.size()][stats.d];
      for (int c = 0; c < labels.size(); c++) {
        ClassStats s = stats.byLabel.get(labels.get(c));
        for (int j = 0; j < stats.d; j++) {
          variances[c][j] = s.m2[j] / s.weight;
        }
        all.merge(s);
      }
      double largest = 0.0;
      for (int j = 0; j < stats.d; j++) {
        largest = Math.max(largest, all.m2[j] / all.weight);
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

  /** Coder of {@link Stats}: the size, then each label's text and statistics in label order. */
  static final class StatsCoder extends CustomCoder<Stats> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(Stats value, OutputStream out) throws IOException {
      VarInt.encode(value.d + 1, out);
      VarInt.encode(value.byLabel.size(), out);
      DataOutputStream data = new DataOutputStream(out);
      for (Map.Entry<String, ClassStats> e : value.byLabel.entrySet()) {
        ClassStats s = e.getValue();
        data.writeUTF(e.getKey());
        data.writeLong(s.rows);
        data.writeDouble(s.weight);
        data.flush();
        ArrayEncoding.writeDoubles(s.sums, out);
        ArrayEncoding.writeNullableDoubles(s.m2, out);
      }
    }

    @Override
    public Stats decode(InputStream in) throws IOException {
      Stats value = new Stats();
      value.d = VarInt.decodeInt(in) - 1;
      int size = VarInt.decodeInt(in);
      if (size < 0) {
        throw new CoderException("Corrupt naive Bayes statistics: " + size + " labels");
      }
      DataInputStream data = new DataInputStream(in);
      for (int i = 0; i < size; i++) {
        String label = data.readUTF();
        ClassStats s = new ClassStats(0, false);
        s.rows = data.readLong();
        s.weight = data.readDouble();
        s.sums = ArrayEncoding.readDoubles(in);
        s.m2 = ArrayEncoding.readNullableDoubles(in);
        value.byLabel.put(label, s);
      }
      return value;
    }

    @Override
    public void verifyDeterministic() {}
  }
}
