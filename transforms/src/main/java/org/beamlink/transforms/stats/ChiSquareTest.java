package org.beamlink.transforms.stats;

import com.google.auto.value.AutoValue;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.math3.special.Gamma;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Pearson's chi-square test of independence of each categorical feature column against a label
 * column, over bounded input: one {@link ChiSquareTestResult} with, per feature, the statistic, the
 * p-value and the degrees of freedom, as Spark ML's {@code ChiSquareTest} and scipy's {@code
 * chi2_contingency(table, correction=False)} compute them.
 *
 * <p>For each feature the contingency table counts the rows of every (feature value, label) pair
 * that occurs; with {@code E = rowTotal * columnTotal / n} the statistic is {@code sum (O - E)^2 /
 * E} over all cells, the degrees of freedom are {@code (values - 1) (labels - 1)} and the p-value
 * is the upper tail of the chi-square distribution with that many degrees of freedom: {@code Q(df /
 * 2, statistic / 2)}, the regularized upper incomplete gamma function of commons-math3 (the
 * survival function of its {@code ChiSquaredDistribution}; computed directly rather than as {@code
 * 1 - cdf}, so that p-values far below 1e-16 keep their digits). There is no Yates continuity
 * correction: it only applies to 2 x 2 tables, and Spark's {@code ChiSquareTest} has none, so the
 * numbers agree with Spark on every table. A feature or label with a single value gives statistic
 * 0, p-value 1 and 0 degrees of freedom (as scipy).
 *
 * <p>One {@code Combine.globally} holds the tables: at most {@value #MAX_CATEGORIES} distinct
 * values per feature and as many labels (Spark's {@code maxCategories}), so the memory is bounded
 * by {@code features x values x labels} counts; a column with more distinct values (a continuous
 * one, say) fails the job naming it.
 *
 * <p>Values are categories compared by their text: strings, booleans, integers, or floating-point
 * numbers when named explicitly. A null, NaN or infinite feature or label fails the job, naming the
 * column, the value and the row. Empty input gives every feature statistic and p-value NaN and 0
 * degrees of freedom.
 *
 * <p>Parameters: {@code labelCol} (required); {@code featureCols} (default every string, boolean
 * and integer column other than the label, in schema order).
 *
 * <pre>{@code
 * PCollection<ChiSquareTestResult> tests =
 *     rows.apply(ChiSquareTest.of("species").withFeatureCols("petal_bin", "sepal_bin"));
 * }</pre>
 */
public final class ChiSquareTest {
  /** The most distinct values a feature, or the label, may have. */
  public static final int MAX_CATEGORIES = 10_000;

  private static final Set<TypeName> DEFAULT_FEATURE_TYPES =
      Set.of(
          TypeName.STRING,
          TypeName.BOOLEAN,
          TypeName.BYTE,
          TypeName.INT16,
          TypeName.INT32,
          TypeName.INT64);

  private ChiSquareTest() {}

  /**
   * Tests every string, boolean and integer column against {@code labelCol}.
   *
   * <pre>{@code
   * PCollection<ChiSquareTestResult> tests = rows.apply(ChiSquareTest.of("label"));
   * }</pre>
   */
  public static Globally of(String labelCol) {
    if (labelCol == null || labelCol.isEmpty()) {
      throw new IllegalArgumentException("Expected a label column name, got none");
    }
    return new AutoValue_ChiSquareTest_Globally.Builder().setLabelCol(labelCol).build();
  }

  /**
   * The transform {@link #of} returns.
   *
   * <pre>{@code
   * PCollection<ChiSquareTestResult> tests = rows.apply(ChiSquareTest.of("y").withFeatureCols("a"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Globally
      extends PTransform<PCollection<Row>, PCollection<ChiSquareTestResult>> {
    abstract String labelCol();

    abstract @Nullable List<String> featureCols();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setLabelCol(String labelCol);

      abstract Builder setFeatureCols(@Nullable List<String> featureCols);

      abstract Globally build();
    }

    /**
     * The categorical feature columns to test, at least one, in this order; default every string,
     * boolean and integer column other than the label.
     *
     * <pre>{@code
     * ChiSquareTest.of("species").withFeatureCols("petal_bin");
     * }</pre>
     */
    public Globally withFeatureCols(String... featureCols) {
      if (featureCols.length == 0) {
        throw new IllegalArgumentException("Expected at least one feature column, got none");
      }
      return toBuilder().setFeatureCols(List.of(featureCols)).build();
    }

    @Override
    public PCollection<ChiSquareTestResult> expand(PCollection<Row> input) {
      Schema schema = input.getSchema();
      TypeName labelType = categoricalType(schema, labelCol(), "Label");
      List<String> features = featureCols();
      if (features == null) {
        features = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
          TypeName t = f.getType().getTypeName();
          if (!f.getName().equals(labelCol()) && DEFAULT_FEATURE_TYPES.contains(t)) {
            features.add(f.getName());
          }
        }
        if (features.isEmpty()) {
          throw new IllegalArgumentException(
              "ChiSquareTest found no string, boolean or integer feature column besides the label '"
                  + labelCol()
                  + "' among the columns "
                  + schema.getFieldNames()
                  + "; name them with withFeatureCols(..)");
        }
      }
      int[] indices = new int[features.size()];
      TypeName[] types = new TypeName[features.size()];
      for (int i = 0; i < indices.length; i++) {
        String name = features.get(i);
        if (name.equals(labelCol())) {
          throw new IllegalArgumentException(
              "Feature column '" + name + "' is the label column; test it against another one");
        }
        types[i] = categoricalType(schema, name, "Feature");
        indices[i] = schema.indexOf(name);
      }
      return input
          .apply(
              "Contingency tables",
              Combine.globally(
                  new ContingencyFn(
                      List.copyOf(features),
                      indices,
                      types,
                      labelCol(),
                      schema.indexOf(labelCol()),
                      labelType)))
          .setCoder(ChiSquareTestResult.Coder.of());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("labelCol", labelCol()))
          .addIfNotNull(
              DisplayData.item(
                  "featureCols", featureCols() == null ? null : String.join(",", featureCols())));
    }
  }

  private static TypeName categoricalType(Schema schema, String name, String role) {
    if (!schema.hasField(name)) {
      throw new IllegalArgumentException(
          role
              + " column '"
              + name
              + "' not found; the input has columns "
              + schema.getFieldNames());
    }
    FieldType type = schema.getField(name).getType();
    if (!LabelValues.isLabelType(type)) {
      throw new IllegalArgumentException(
          role
              + " column '"
              + name
              + "' has type "
              + type
              + "; expected a string, boolean or number as a category");
    }
    return type.getTypeName();
  }

  /**
   * The contingency tables of all features: for each feature, label text to (value text to count).
   */
  static final class Tables {
    long rows;
    final List<TreeMap<String, TreeMap<String, Long>>> byFeature;

    Tables(int features) {
      byFeature = new ArrayList<>(features);
      for (int i = 0; i < features; i++) {
        byFeature.add(new TreeMap<>());
      }
    }
  }

  /** Counts (value, label) pairs per feature, then tests each table. */
  static final class ContingencyFn extends CombineFn<Row, Tables, ChiSquareTestResult> {
    private final List<String> features;
    private final int[] indices;
    private final TypeName[] types;
    private final String labelCol;
    private final int labelIndex;
    private final TypeName labelType;

    ContingencyFn(
        List<String> features,
        int[] indices,
        TypeName[] types,
        String labelCol,
        int labelIndex,
        TypeName labelType) {
      this.features = features;
      this.indices = indices;
      this.types = types;
      this.labelCol = labelCol;
      this.labelIndex = labelIndex;
      this.labelType = labelType;
    }

    @Override
    public Tables createAccumulator() {
      return new Tables(features.size());
    }

    @Override
    public Tables addInput(Tables tables, Row row) {
      String label = text(row, labelIndex, labelCol, "Label");
      tables.rows++;
      for (int i = 0; i < indices.length; i++) {
        add(
            tables.byFeature.get(i),
            i,
            text(row, indices[i], features.get(i), "Feature"),
            label,
            1);
      }
      return tables;
    }

    private void add(
        TreeMap<String, TreeMap<String, Long>> table,
        int feature,
        String value,
        String label,
        long count) {
      TreeMap<String, Long> byValue = table.get(label);
      if (byValue == null) {
        if (table.size() >= MAX_CATEGORIES) {
          throw new IllegalArgumentException(
              "Label column '"
                  + labelCol
                  + "' has more than "
                  + MAX_CATEGORIES
                  + " distinct values (one more is "
                  + label
                  + "); the chi-square test needs categories");
        }
        byValue = new TreeMap<>();
        table.put(label, byValue);
      }
      Long before = byValue.get(value);
      if (before == null && byValue.size() >= MAX_CATEGORIES) {
        throw new IllegalArgumentException(
            "Feature column '"
                + features.get(feature)
                + "' has more than "
                + MAX_CATEGORIES
                + " distinct values (one more is "
                + value
                + "); the chi-square test needs categories");
      }
      byValue.put(value, before == null ? count : before + count);
    }

    @Override
    public Tables mergeAccumulators(Iterable<Tables> accumulators) {
      Tables merged = createAccumulator();
      for (Tables t : accumulators) {
        merged.rows += t.rows;
        for (int i = 0; i < features.size(); i++) {
          for (Map.Entry<String, TreeMap<String, Long>> byLabel : t.byFeature.get(i).entrySet()) {
            for (Map.Entry<String, Long> cell : byLabel.getValue().entrySet()) {
              add(merged.byFeature.get(i), i, cell.getKey(), byLabel.getKey(), cell.getValue());
            }
          }
        }
      }
      return merged;
    }

    @Override
    public ChiSquareTestResult extractOutput(Tables tables) {
      List<FeatureChiSquare> tests = new ArrayList<>();
      for (int i = 0; i < features.size(); i++) {
        tests.add(test(features.get(i), tables.byFeature.get(i), types[i]));
      }
      return new ChiSquareTestResult(labelCol, tables.rows, tests);
    }

    private FeatureChiSquare test(
        String feature, TreeMap<String, TreeMap<String, Long>> byLabel, TypeName valueType) {
      List<String> labels = new ArrayList<>(byLabel.keySet());
      labels.sort(LabelValues.order(labelType));
      TreeMap<String, Long> valueTotals = new TreeMap<>();
      for (TreeMap<String, Long> counts : byLabel.values()) {
        counts.forEach((v, c) -> valueTotals.merge(v, c, Long::sum));
      }
      if (labels.isEmpty()) {
        return new FeatureChiSquare(feature, Double.NaN, Double.NaN, 0, 0);
      }
      List<String> values = new ArrayList<>(valueTotals.keySet());
      Comparator<String> order = LabelValues.order(valueType);
      values.sort(order);
      long[][] observed = new long[values.size()][labels.size()];
      for (int c = 0; c < labels.size(); c++) {
        TreeMap<String, Long> counts = byLabel.get(labels.get(c));
        for (int r = 0; r < values.size(); r++) {
          observed[r][c] = counts.getOrDefault(values.get(r), 0L);
        }
      }
      return FeatureChiSquare.of(feature, observed);
    }

    @Override
    public Coder<Tables> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return new TablesCoder(features.size());
    }

    @Override
    public Coder<ChiSquareTestResult> getDefaultOutputCoder(
        CoderRegistry registry, Coder<Row> inputCoder) {
      return ChiSquareTestResult.Coder.of();
    }
  }

  /** A category's text; a null, NaN or infinite value is an error naming the column and row. */
  private static String text(Row row, int index, String name, String role) {
    Object value = row.getValue(index);
    if (value == null
        || (value instanceof Double d && !Double.isFinite(d))
        || (value instanceof Float f && !Float.isFinite(f))) {
      throw new IllegalArgumentException(
          role
              + " column '"
              + name
              + "' has value "
              + value
              + " in row "
              + RowText.of(row)
              + "; expected a category");
    }
    return String.valueOf(value);
  }

  /** Coder of {@link Tables}: rows, then per feature its labels, each with its value counts. */
  static final class TablesCoder extends CustomCoder<Tables> {
    private final int features;

    TablesCoder(int features) {
      this.features = features;
    }

    @Override
    public void encode(Tables value, OutputStream out) throws IOException {
      VarInt.encode(value.rows, out);
      DataOutputStream data = new DataOutputStream(out);
      for (TreeMap<String, TreeMap<String, Long>> table : value.byFeature) {
        VarInt.encode(table.size(), out);
        for (Map.Entry<String, TreeMap<String, Long>> byLabel : table.entrySet()) {
          data.writeUTF(byLabel.getKey());
          data.flush();
          VarInt.encode(byLabel.getValue().size(), out);
          for (Map.Entry<String, Long> cell : byLabel.getValue().entrySet()) {
            data.writeUTF(cell.getKey());
            data.flush();
            VarInt.encode(cell.getValue(), out);
          }
        }
      }
    }

    @Override
    public Tables decode(InputStream in) throws IOException {
      Tables value = new Tables(features);
      value.rows = VarInt.decodeLong(in);
      DataInputStream data = new DataInputStream(in);
      for (TreeMap<String, TreeMap<String, Long>> table : value.byFeature) {
        int labels = VarInt.decodeInt(in);
        if (labels < 0) {
          throw new CoderException("Corrupt contingency table: " + labels + " labels");
        }
        for (int l = 0; l < labels; l++) {
          String label = data.readUTF();
          int cells = VarInt.decodeInt(in);
          TreeMap<String, Long> byValue = new TreeMap<>();
          for (int k = 0; k < cells; k++) {
            String v = data.readUTF();
            byValue.put(v, VarInt.decodeLong(in));
          }
          table.put(label, byValue);
        }
      }
      return value;
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof TablesCoder t && t.features == features;
    }

    @Override
    public int hashCode() {
      return features;
    }
  }

  /**
   * The upper tail of the chi-square distribution with {@code df} degrees of freedom at {@code
   * statistic}: {@code Q(df / 2, statistic / 2)}; 1 for {@code df == 0}.
   */
  static double pValue(double statistic, long df) {
    if (df == 0) {
      return 1.0;
    }
    return Gamma.regularizedGammaQ(df / 2.0, statistic / 2.0);
  }
}
