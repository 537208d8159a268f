package org.beamlink.models.feature;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.math3.special.Gamma;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;

/**
 * A fitted chi-squared feature selector: keeps the features of a vector column ({@code inputCol})
 * whose chi-squared statistic against the class label ranks best, in their original index order, as
 * a new vector column ({@code outputCol}).
 *
 * <p>The statistic is scikit-learn's {@code chi2} (what {@code SelectKBest(chi2)} uses), not Spark
 * ML's: for non-negative features (counts, frequencies) it compares each feature's per-class sum of
 * values with the sum expected when the feature is independent of the class, {@code score_j = sum_c
 * (O_cj - E_cj)^2 / E_cj} with {@code O_cj} the sum of feature {@code j} over the rows of class
 * {@code c} and {@code E_cj = (n_c / n) sum_c' O_c'j}. The p-value is the upper tail of a
 * chi-squared distribution with {@code numClasses - 1} degrees of freedom (commons-math3's
 * regularized gamma {@code Q}, which keeps tiny tails such as 1e-200 that {@code 1 - cdf} would
 * round to 0). Spark's {@code ChiSqSelector} instead runs a contingency-table test on the features'
 * distinct values. A feature that is 0 in every training row has a NaN score and p-value, as in
 * scikit-learn, and is never selected unless every feature is kept.
 *
 * <p>Selection rules ({@link SelectorType}) follow scikit-learn's selectors. Exactly equal scores
 * rank the lower feature index first (scikit-learn's {@code SelectKBest} prefers the higher index
 * on exact ties; Spark the lower).
 *
 * <p>Input vectors may be dense or sparse; a dense input gives a dense output and a sparse input a
 * sparse output. A null input, a NaN or infinite value, or a vector whose size is not the model's
 * fails with an {@link IllegalArgumentException} naming the column and row.
 *
 * <pre>{@code
 * ChiSqSelectorModel m = ChiSqSelectorModel.fromClassSums(
 *     "features", "selected", SelectorType.NUM_TOP_FEATURES, 50, classCounts, classSums);
 * Row out = m.bind(rows.getSchema()).apply(row); // row + "selected"
 * }</pre>
 */
public final class ChiSqSelectorModel extends FiniteVectorStage {
  private static final long serialVersionUID = 1L;

  /**
   * How features are chosen from their scores and p-values.
   *
   * <pre>{@code
   * SelectorType type = SelectorType.FPR;
   * }</pre>
   */
  public enum SelectorType {
    /** The {@code numTopFeatures} best scores: scikit-learn's {@code SelectKBest}. */
    NUM_TOP_FEATURES,
    /**
     * The best fraction {@code percentile} of features: scikit-learn's {@code SelectPercentile}
     * with {@code percentile = 100 * fraction} (features scoring above the {@code 1 - fraction}
     * quantile of the scores, plus ties at it up to {@code floor(d * fraction)} features).
     */
    PERCENTILE,
    /** Every feature with p-value below {@code alpha}: scikit-learn's {@code SelectFpr}. */
    FPR,
    /**
     * Benjamini-Hochberg at false discovery rate {@code alpha}: scikit-learn's {@code SelectFdr}.
     */
    FDR,
    /** Every feature with p-value below {@code alpha / d}: scikit-learn's {@code SelectFwe}. */
    FWE
  }

  private final SelectorType selectorType;
  private final double selectorParam;
  private final double[] scores;
  private final double[] pValues;
  private final int[] selected;

  private ChiSqSelectorModel(
      String inputCol,
      String outputCol,
      SelectorType selectorType,
      double selectorParam,
      double[] scores,
      double[] pValues,
      int[] selected) {
    super(inputCol, outputCol);
    this.selectorType = selectorType;
    this.selectorParam = selectorParam;
    this.scores = scores;
    this.pValues = pValues;
    this.selected = selected;
  }

  /**
   * A model from fitted numbers (copied): the scores and p-values of all {@code d} features, and
   * the selected indices.
   *
   * <pre>{@code
   * ChiSqSelectorModel m = ChiSqSelectorModel.of("f", "s", SelectorType.FPR, 0.05, scores, p, new int[] {0, 3});
   * }</pre>
   *
   * @throws IllegalArgumentException when the sizes disagree or an index is out of range or not
   *     strictly increasing
   */
  public static ChiSqSelectorModel of(
      String inputCol,
      String outputCol,
      SelectorType selectorType,
      double selectorParam,
      double[] scores,
      double[] pValues,
      int[] selected) {
    Objects.requireNonNull(inputCol, "inputCol");
    Objects.requireNonNull(outputCol, "outputCol");
    Objects.requireNonNull(selectorType, "selectorType");
    if (scores.length != pValues.length) {
      throw new IllegalArgumentException(
          "Expected as many p-values as scores, got " + pValues.length + " and " + scores.length);
    }
    for (int i = 0; i < selected.length; i++) {
      if (selected[i] < 0
          || selected[i] >= scores.length
          || (i > 0 && selected[i] <= selected[i - 1])) {
        throw new IllegalArgumentException(
            "Expected increasing feature indices in [0, "
                + scores.length
                + "), got "
                + Arrays.toString(selected));
      }
    }
    return new ChiSqSelectorModel(
        inputCol,
        outputCol,
        selectorType,
        selectorParam,
        scores.clone(),
        pValues.clone(),
        selected.clone());
  }

  /**
   * The model of the per-class sums of the training features: {@code classSums[c][j]} is the sum of
   * feature {@code j} over the {@code classCounts[c]} rows of class {@code c}.
   *
   * <pre>{@code
   * ChiSqSelectorModel m = ChiSqSelectorModel.fromClassSums(
   *     "features", "selected", SelectorType.PERCENTILE, 0.1, counts, sums);
   * }</pre>
   *
   * @throws IllegalArgumentException for fewer than 2 classes
   */
  public static ChiSqSelectorModel fromClassSums(
      String inputCol,
      String outputCol,
      SelectorType selectorType,
      double selectorParam,
      long[] classCounts,
      double[][] classSums) {
    double[][] test = chiSquare(classCounts, classSums);
    int[] selected = select(selectorType, selectorParam, test[0], test[1]);
    return new ChiSqSelectorModel(
        inputCol, outputCol, selectorType, selectorParam, test[0], test[1], selected);
  }

  /**
   * scikit-learn's {@code chi2}: {@code {scores, pValues}} of every feature from per-class counts
   * and feature sums (see the class documentation).
   *
   * <pre>{@code
   * double[][] t = ChiSqSelectorModel.chiSquare(new long[] {2, 2}, new double[][] {{3, 0}, {1, 2}});
   * }</pre>
   *
   * @throws IllegalArgumentException for fewer than 2 classes or sums of different sizes
   */
  public static double[][] chiSquare(long[] classCounts, double[][] classSums) {
    int numClasses = classCounts.length;
    if (numClasses < 2 || classSums.length != numClasses) {
      throw new IllegalArgumentException(
          "The chi-squared test needs at least 2 classes (label values); got " + numClasses);
    }
    int d = classSums[0].length;
    long n = 0;
    for (int c = 0; c < numClasses; c++) {
      if (classSums[c].length != d) {
        throw new IllegalArgumentException(
            "Class " + c + " has " + classSums[c].length + " feature sums, expected " + d);
      }
      n += classCounts[c];
    }
    double[] featureTotals = new double[d];
    for (double[] sums : classSums) {
      for (int j = 0; j < d; j++) {
        featureTotals[j] += sums[j];
      }
    }
    double[] scores = new double[d];
    double[] pValues = new double[d];
    double halfDof = (numClasses - 1) / 2.0;
    for (int j = 0; j < d; j++) {
      double score = 0;
      for (int c = 0; c < numClasses; c++) {
        double expected = ((double) classCounts[c] / n) * featureTotals[j];
        double diff = classSums[c][j] - expected;
        score += diff * diff / expected;
      }
      scores[j] = score;
      pValues[j] = Double.isNaN(score) ? Double.NaN : Gamma.regularizedGammaQ(halfDof, score / 2);
    }
    return new double[][] {scores, pValues};
  }

  /**
   * The indices (increasing) that {@code type} with parameter {@code param} selects from the
   * features' {@code scores} and {@code pValues}; see {@link SelectorType}. {@code param} is the
   * number of features for {@link SelectorType#NUM_TOP_FEATURES} (all when more than there are), a
   * fraction in {@code [0, 1]} for {@link SelectorType#PERCENTILE}, and {@code alpha} otherwise. A
   * NaN score ranks last and a NaN p-value never passes.
   *
   * <pre>{@code
   * int[] keep = ChiSqSelectorModel.select(SelectorType.NUM_TOP_FEATURES, 2, scores, pValues);
   * }</pre>
   */
  public static int[] select(SelectorType type, double param, double[] scores, double[] pValues) {
    int d = scores.length;
    boolean[] mask = new boolean[d];
    switch (type) {
      case NUM_TOP_FEATURES -> {
        Integer[] order = new Integer[d];
        for (int j = 0; j < d; j++) {
          order[j] = j;
        }
        double[] clean = cleanNans(scores);
        // A stable sort by decreasing score: equal scores keep the lower index first.
        Arrays.sort(order, (a, b) -> Double.compare(clean[b], clean[a]));
        for (int i = 0; i < Math.min((long) param, d); i++) {
          mask[order[i]] = true;
        }
      }
      case PERCENTILE -> percentileMask(scores, param * 100, mask);
      case FPR -> {
        for (int j = 0; j < d; j++) {
          mask[j] = pValues[j] < param;
        }
      }
      case FDR -> {
        double[] sorted = Arrays.stream(pValues).filter(p -> !Double.isNaN(p)).sorted().toArray();
        double cutoff = Double.NaN;
        for (int i = 0; i < sorted.length; i++) {
          if (sorted[i] <= param / d * (i + 1)) {
            cutoff = sorted[i];
          }
        }
        for (int j = 0; j < d; j++) {
          mask[j] = pValues[j] <= cutoff;
        }
      }
      case FWE -> {
        for (int j = 0; j < d; j++) {
          mask[j] = pValues[j] < param / d;
        }
      }
    }
    return indices(mask);
  }

  /** scikit-learn's {@code SelectPercentile._get_support_mask}, including its numpy percentile. */
  private static void percentileMask(double[] scores, double percent, boolean[] mask) {
    int d = scores.length;
    if (percent >= 100) {
      Arrays.fill(mask, true);
      return;
    }
    if (percent <= 0 || d == 0) {
      return;
    }
    double[] clean = cleanNans(scores);
    double threshold = numpyPercentile(clean, 100 - percent);
    int above = 0;
    List<Integer> ties = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      if (clean[j] > threshold) {
        mask[j] = true;
        above++;
      } else if (clean[j] == threshold) {
        ties.add(j);
      }
    }
    int maxFeatures = (int) (d * percent / 100);
    // Python's ties[:m]: a negative m drops -m ties from the end.
    int keep = maxFeatures - above;
    int kept = keep >= 0 ? Math.min(keep, ties.size()) : Math.max(0, ties.size() + keep);
    for (int i = 0; i < kept; i++) {
      mask[ties.get(i)] = true;
    }
  }

  /** numpy's {@code percentile(values, q)} with the default linear method (numpy 1.22+). */
  private static double numpyPercentile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double quantile = q / 100;
    double virtual = n * quantile + (1 + quantile * (1 - 1 - 1)) - 1;
    double previous = Math.floor(virtual);
    double gamma = virtual - previous;
    int lo = (int) Math.max(0, Math.min(n - 1, previous));
    int hi = (int) Math.max(0, Math.min(n - 1, previous + 1));
    double a = sorted[lo];
    double b = sorted[hi];
    double diff = b - a;
    return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
  }

  /** scikit-learn's {@code _clean_nans}: NaN scores become the lowest finite double. */
  private static double[] cleanNans(double[] scores) {
    double[] clean = scores.clone();
    for (int j = 0; j < clean.length; j++) {
      if (Double.isNaN(clean[j])) {
        clean[j] = -Double.MAX_VALUE;
      }
    }
    return clean;
  }

  private static int[] indices(boolean[] mask) {
    int count = 0;
    for (boolean m : mask) {
      count += m ? 1 : 0;
    }
    int[] out = new int[count];
    for (int j = 0, i = 0; j < mask.length; j++) {
      if (mask[j]) {
        out[i++] = j;
      }
    }
    return out;
  }

  /**
   * The output schema of a selector reading {@code inputCol}: the input plus a vector column {@code
   * outputCol}.
   *
   * <pre>{@code
   * Schema out = ChiSqSelectorModel.outputSchema(rows.getSchema(), "features", "selected");
   * }</pre>
   *
   * @throws IllegalArgumentException naming a missing or non-vector {@code inputCol}, or an
   *     existing {@code outputCol}
   */
  public static Schema outputSchema(Schema input, String inputCol, String outputCol) {
    return appendVector(input, inputCol, outputCol);
  }

  /** The selection rule. */
  public SelectorType selectorType() {
    return selectorType;
  }

  /** The rule's parameter: a number of features, a fraction, or {@code alpha}. */
  public double selectorParam() {
    return selectorParam;
  }

  /** The input dimension {@code d}. */
  @Override
  public int numFeatures() {
    return scores.length;
  }

  /** The chi-squared statistic of every input feature (a copy; NaN for an all-zero feature). */
  public double[] scores() {
    return scores.clone();
  }

  /** The p-value of every input feature (a copy; NaN for an all-zero feature). */
  public double[] pValues() {
    return pValues.clone();
  }

  /** The selected feature indices, increasing (a copy). */
  public int[] selectedFeatures() {
    return selected.clone();
  }

  /**
   * The selected features of one vector, dense for dense input and sparse for sparse.
   *
   * <pre>{@code
   * Vector kept = selector.selectFrom(Vector.dense(1, 2, 3, 4));
   * }</pre>
   *
   * @throws IllegalArgumentException when its size is not {@link #numFeatures()}
   */
  public Vector selectFrom(Vector x) {
    if (x.size() != scores.length) {
      throw new IllegalArgumentException(
          "Expected a vector of size " + scores.length + ", got size " + x.size());
    }
    if (x instanceof SparseVector sparse) {
      int stored = sparse.numStored();
      int[] idx = new int[Math.min(stored, selected.length)];
      double[] val = new double[idx.length];
      int n = 0;
      for (int p = 0, s = 0; p < stored && s < selected.length; ) {
        int j = sparse.indexAt(p);
        if (j == selected[s]) {
          idx[n] = s;
          val[n++] = sparse.valueAt(p);
          p++;
          s++;
        } else if (j < selected[s]) {
          p++;
        } else {
          s++;
        }
      }
      return Vector.sparse(selected.length, Arrays.copyOf(idx, n), Arrays.copyOf(val, n));
    }
    double[] out = new double[selected.length];
    for (int s = 0; s < selected.length; s++) {
      out[s] = x.get(selected[s]);
    }
    return Vector.dense(out);
  }

  @Override
  String stageName() {
    return "ChiSqSelector";
  }

  @Override
  Vector map(Vector x, Row row) {
    return selectFrom(x);
  }

  @Override
  void addParameters(Map<String, String> p) {
    p.put("selectorType", selectorType.name());
    p.put("selectorParam", Double.toString(selectorParam));
    p.put("numFeatures", Integer.toString(scores.length));
    p.put("selectedFeatures", StageColumns.preview(selected));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChiSqSelectorModel m
        && inputCol.equals(m.inputCol)
        && outputCol.equals(m.outputCol)
        && selectorType == m.selectorType
        && Double.compare(selectorParam, m.selectorParam) == 0
        && Arrays.equals(scores, m.scores)
        && Arrays.equals(pValues, m.pValues)
        && Arrays.equals(selected, m.selected);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        inputCol,
        outputCol,
        selectorType,
        selectorParam,
        Arrays.hashCode(scores),
        Arrays.hashCode(selected));
  }

  @Override
  public String toString() {
    return "ChiSqSelectorModel("
        + inputCol
        + " -> "
        + outputCol
        + ", "
        + selectorType
        + " "
        + selectorParam
        + ", selected "
        + Arrays.toString(selected)
        + " of "
        + scores.length
        + ")";
  }

  /**
   * Deterministic, versioned coder for {@link ChiSqSelectorModel}.
   *
   * <pre>{@code
   * ChiSqSelectorModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<ChiSqSelectorModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(ChiSqSelectorModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.inputCol);
      data.writeUTF(value.outputCol);
      data.writeUTF(value.selectorType.name());
      data.writeDouble(value.selectorParam);
      data.flush();
      ArrayEncoding.writeDoubles(value.scores, out);
      ArrayEncoding.writeDoubles(value.pValues, out);
      ArrayEncoding.writeInts(value.selected, out);
    }

    @Override
    public ChiSqSelectorModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "chi-squared selector model");
      DataInputStream data = new DataInputStream(in);
      String inputCol = data.readUTF();
      String outputCol = data.readUTF();
      String typeName = data.readUTF();
      double param = data.readDouble();
      double[] scores = ArrayEncoding.readDoubles(in);
      double[] pValues = ArrayEncoding.readDoubles(in);
      int[] selected = ArrayEncoding.readInts(in);
      try {
        return ChiSqSelectorModel.of(
            inputCol, outputCol, SelectorType.valueOf(typeName), param, scores, pValues, selected);
      } catch (IllegalArgumentException e) {
        throw new CoderException("Corrupt chi-squared selector model: " + e.getMessage());
      }
    }

    @Override
    public void verifyDeterministic() {}
  }
}
