package org.beamlink.transforms.stats;

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
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The one pass of the counting fits (naive Bayes, the chi-squared feature selector): for every
 * class (a label's text, as {@link LabelValues#text} gives it), the rows, their total weight and
 * the weighted feature sums, or with {@link #withMoments()} the weighted means and sums of squared
 * deviations (West's weighted update and Chan et al.'s merge, so that the variances are accurate in
 * any order of merging). What a row adds to its class's sums is the fit's {@link RowUpdate}; the
 * classes, the one vector size, the bound on the number of classes, the optional weight column, the
 * merge and the coder are this combine's. {@link Moments} is not used: it counts rows, not weights.
 *
 * <p>Errors name the stage, the column and the row: vectors of different sizes, more than {@code
 * maxClasses} labels, a negative weight; {@link Table#labels} refuses an empty input and a single
 * class.
 *
 * <p>References: D. H. D. West, "Updating mean and variance estimates: an improved method", CACM
 * 22(9), 1979. T. F. Chan, G. H. Golub, R. J. LeVeque, "Updating formulae and a pairwise algorithm
 * for computing sample variances", 1979.
 *
 * <pre>{@code
 * ClassStatsFn fn = ClassStatsFn.of("ChiSqSelector", features, "label", 1000,
 *     (s, x, w, row) -> x.forEachNonzero(s::addToSum));
 * PCollection<ClassStatsFn.Table> stats =
 *     rows.apply(Combine.globally(fn)).setCoder(ClassStatsFn.TableCoder.of());
 * }</pre>
 */
public final class ClassStatsFn
    extends Combine.CombineFn<Row, ClassStatsFn.Table, ClassStatsFn.Table> {
  private static final long serialVersionUID = 1L;

  private final String stage;
  private final FeatureColumns.Bound features;
  private final String labelCol;
  private final int maxClasses;
  private final RowUpdate update;
  private final boolean moments;
  private final @Nullable String weightCol;
  private final int weightIndex;

  private ClassStatsFn(
      String stage,
      FeatureColumns.Bound features,
      String labelCol,
      int maxClasses,
      RowUpdate update,
      boolean moments,
      @Nullable String weightCol,
      int weightIndex) {
    this.stage = stage;
    this.features = features;
    this.labelCol = labelCol;
    this.maxClasses = maxClasses;
    this.update = update;
    this.moments = moments;
    this.weightCol = weightCol;
    this.weightIndex = weightIndex;
  }

  /**
   * The class sums of {@code features} by the labels of {@code labelCol}, every row weighing 1, at
   * most {@code maxClasses} classes; {@code stage} names the fit in messages.
   */
  public static ClassStatsFn of(
      String stage,
      FeatureColumns.Bound features,
      String labelCol,
      int maxClasses,
      RowUpdate update) {
    return new ClassStatsFn(stage, features, labelCol, maxClasses, update, false, null, -1);
  }

  /** This combine with each row weighing the value of {@code weightCol}, column {@code index}. */
  public ClassStatsFn withWeight(String weightCol, int index) {
    return new ClassStatsFn(
        stage, features, labelCol, maxClasses, update, moments, weightCol, index);
  }

  /** This combine keeping weighted means and sums of squared deviations instead of sums. */
  public ClassStatsFn withMoments() {
    return new ClassStatsFn(
        stage, features, labelCol, maxClasses, update, true, weightCol, weightIndex);
  }

  /**
   * What one row adds to its class, after the class has counted the row and its weight.
   *
   * <pre>{@code
   * RowUpdate sums = (s, x, w, row) -> x.forEachNonzero((j, v) -> s.addToSum(j, w * v));
   * }</pre>
   */
  @FunctionalInterface
  public interface RowUpdate extends Serializable {
    /**
     * Adds the features {@code x} of weight {@code w} to {@code stats}; {@code row} only for
     * messages.
     *
     * @throws IllegalArgumentException for features the fit cannot take, naming column and row
     */
    void add(ClassStats stats, Vector x, double w, Row row);
  }

  /** What one class has seen. */
  public static final class ClassStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private long rows;
    private double weight;

    /** Weighted feature sums, or (moments) means. */
    private double[] sums;

    /** Moments: weighted sums of squared deviations from the mean; null otherwise. */
    private double @Nullable [] m2;

    private ClassStats(double[] sums, double @Nullable [] m2) {
      this.sums = sums;
      this.m2 = m2;
    }

    /** The rows of the class. */
    public long rows() {
      return rows;
    }

    /** The total weight of the rows. */
    public double weight() {
      return weight;
    }

    /** The weighted feature sums, or with moments the weighted means (the array itself). */
    public double[] sums() {
      return sums;
    }

    /** The weighted sums of squared deviations from the means; null without moments. */
    public double @Nullable [] m2() {
      return m2;
    }

    /** Adds {@code value} to the sum of feature {@code j}. */
    public void addToSum(int j, double value) {
      sums[j] += value;
    }

    /**
     * West's weighted update of the means and squared deviations by {@code values} of weight {@code
     * w > 0}, which the class's weight already counts.
     */
    public void addToMoments(double[] values, double w) {
      double share = w / weight;
      for (int j = 0; j < values.length; j++) {
        double delta = values[j] - sums[j];
        sums[j] += delta * share;
        m2[j] += w * delta * (values[j] - sums[j]);
      }
    }

    /** Merges {@code other} into this (Chan et al. for moments). */
    public void merge(ClassStats other) {
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

  /** Every class's statistics, by label text; the vector size is -1 until the first row. */
  public static final class Table implements Serializable {
    private static final long serialVersionUID = 1L;

    private int d = -1;
    private final TreeMap<String, ClassStats> byLabel = new TreeMap<>();

    /** The size of the feature vectors; -1 before any row. */
    public int dimension() {
      return d;
    }

    /** The statistics of the class of label text {@code label}. */
    public ClassStats get(String label) {
      return byLabel.get(label);
    }

    /**
     * The label texts in the order of a label column of type {@code labelType} ({@link
     * LabelValues#order}).
     *
     * @throws IllegalArgumentException naming {@code stage} and {@code labelCol} for no rows or a
     *     single class
     */
    public List<String> labels(TypeName labelType, String stage, String labelCol) {
      if (byLabel.isEmpty()) {
        throw new IllegalArgumentException(stage + ": no rows to fit on");
      }
      if (byLabel.size() < 2) {
        throw new IllegalArgumentException(
            stage
                + " needs at least 2 distinct labels in column '"
                + labelCol
                + "'; the input has only "
                + byLabel.keySet());
      }
      List<String> labels = new ArrayList<>(byLabel.keySet());
      labels.sort(LabelValues.order(labelType));
      return labels;
    }

    /** Every class merged into one, in label order: the statistics of all rows. */
    public ClassStats pooled(List<String> labels) {
      ClassStats all = new ClassStats(new double[d], new double[d]);
      for (String label : labels) {
        all.merge(byLabel.get(label));
      }
      return all;
    }
  }

  @Override
  public Table createAccumulator() {
    return new Table();
  }

  @Override
  public Table addInput(Table acc, Row row) {
    Vector x = features.extract(row);
    String label = LabelValues.text(row, labelCol);
    double w = weight(row);
    if (acc.d < 0) {
      acc.d = x.size();
    } else if (x.size() != acc.d) {
      throw new IllegalArgumentException(
          stage
              + ": features from "
              + features
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
    s.weight += w;
    update.add(s, x, w, row);
    return acc;
  }

  private double weight(Row row) {
    if (weightIndex < 0) {
      return 1.0;
    }
    double w = FeatureColumns.numericValue(row, weightIndex, weightCol);
    if (w < 0) {
      throw new IllegalArgumentException(
          stage
              + ": weight column '"
              + weightCol
              + "' has value "
              + w
              + " in row "
              + RowText.of(row)
              + "; expected a weight >= 0");
    }
    return w;
  }

  private ClassStats classOf(Table acc, String label) {
    ClassStats s = acc.byLabel.get(label);
    if (s == null) {
      if (acc.byLabel.size() >= maxClasses) {
        throw new IllegalArgumentException(
            stage
                + " takes at most "
                + maxClasses
                + " distinct labels; column '"
                + labelCol
                + "' has more, among them "
                + label
                + ". Is the label column continuous?");
      }
      s = new ClassStats(new double[acc.d], moments ? new double[acc.d] : null);
      acc.byLabel.put(label, s);
    }
    return s;
  }

  @Override
  public Table mergeAccumulators(Iterable<Table> accumulators) {
    Table merged = new Table();
    for (Table a : accumulators) {
      if (a.d < 0) {
        continue;
      }
      if (merged.d < 0) {
        merged.d = a.d;
      } else if (a.d != merged.d) {
        throw new IllegalArgumentException(
            stage
                + ": features from "
                + features
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
  public Table extractOutput(Table acc) {
    return acc;
  }

  @Override
  public Coder<Table> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return TableCoder.of();
  }

  @Override
  public Coder<Table> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return TableCoder.of();
  }

  /**
   * Coder of {@link Table}: the size, then each label's text and statistics in label order.
   *
   * <pre>{@code
   * stats.setCoder(ClassStatsFn.TableCoder.of());
   * }</pre>
   */
  public static final class TableCoder extends CustomCoder<Table> {
    private static final long serialVersionUID = 1L;

    private TableCoder() {}

    /** The coder. */
    public static TableCoder of() {
      return new TableCoder();
    }

    @Override
    public void encode(Table value, OutputStream out) throws IOException {
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
    public Table decode(InputStream in) throws IOException {
      Table value = new Table();
      value.d = VarInt.decodeInt(in) - 1;
      int size = VarInt.decodeInt(in);
      if (size < 0) {
        throw new CoderException("Corrupt class statistics: " + size + " labels");
      }
      DataInputStream data = new DataInputStream(in);
      for (int i = 0; i < size; i++) {
        String label = data.readUTF();
        long rows = data.readLong();
        double weight = data.readDouble();
        ClassStats s =
            new ClassStats(ArrayEncoding.readDoubles(in), ArrayEncoding.readNullableDoubles(in));
        s.rows = rows;
        s.weight = weight;
        value.byLabel.put(label, s);
      }
      return value;
    }

    @Override
    public void verifyDeterministic() {}
  }
}
