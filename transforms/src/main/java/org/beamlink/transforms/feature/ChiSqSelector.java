package org.beamlink.transforms.feature;

import com.google.auto.value.AutoValue;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.feature.ChiSqSelectorModel;
import org.beamlink.models.feature.ChiSqSelectorModel.SelectorType;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.models.rows.RowText;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.stats.ClassStatsFn;

/**
 * Chi-squared feature selection: {@link #fit()} scores every feature of a vector column against a
 * class label and learns a {@link ChiSqSelectorModel}; {@link #transform} appends the selected
 * features, in their original index order, as a new vector column.
 *
 * <p>The score is scikit-learn's {@code chi2} (the test behind {@code SelectKBest(chi2)}, for
 * non-negative features such as counts or frequencies), not Spark ML's contingency-table test on
 * categorical feature values; the selector types follow scikit-learn's {@code SelectKBest}, {@code
 * SelectPercentile}, {@code SelectFpr}, {@code SelectFdr} and {@code SelectFwe}. Parameter names
 * and defaults are Spark's; {@code percentile} is a fraction, as in Spark, applied as
 * scikit-learn's {@code percentile = 100 * fraction}. Exactly equal scores rank the lower index
 * first (scikit-learn's {@code SelectKBest} keeps the higher one). See {@link ChiSqSelectorModel}.
 *
 * <p>Fitting is one {@code Combine.globally} over the rows: per class, the count of rows and the
 * sum of each feature ({@code numClasses x d} numbers); rows are never collected. The scores and
 * the selection are computed from those sums in one step after it.
 *
 * <p>Parameters ({@code fit()} sets every default):
 *
 * <ul>
 *   <li>{@code inputCol}, default "features": a vector column (dense or sparse, one size). {@code
 *       labelCol}, default "label": a string, boolean or numeric column, at least 2 and at most
 *       {@value #MAX_CLASSES} distinct values. {@code outputCol}, default "selected".
 *   <li>{@code selectorType}, default NUM_TOP_FEATURES; {@code numTopFeatures} >= 1, default 50
 *       (all features when there are fewer); {@code percentile} in [0, 1], default 0.1; {@code
 *       fpr}, {@code fdr}, {@code fwe} in [0, 1], default 0.05 each: the {@code alpha} of that
 *       type.
 * </ul>
 *
 * <p>A null, NaN or infinite feature, a negative feature value, a null or NaN label, vectors of
 * different sizes, an empty input or a single class fail the fit with the column, value and row
 * named. A missing column, a non-vector {@code inputCol}, a {@code labelCol} of another type or an
 * existing {@code outputCol} fails when the pipeline is built.
 *
 * <pre>{@code
 * PCollection<ChiSqSelectorModel> selector =
 *     rows.apply(ChiSqSelector.fit().withNumTopFeatures(20).withLabelCol("digit"));
 * PCollection<Row> selected = rows.apply(ChiSqSelector.transform(selector)); // + "selected"
 * }</pre>
 */
public final class ChiSqSelector {
  /** The most distinct labels a fit accepts: its combine holds {@code numClasses x d} sums. */
  public static final int MAX_CLASSES = 1000;

  private static final String NAME = "ChiSqSelector";

  private ChiSqSelector() {}

  /**
   * A chi-squared selector estimator with every default set.
   *
   * <pre>{@code
   * PCollection<ChiSqSelectorModel> selector = rows.apply(ChiSqSelector.fit());
   * }</pre>
   */
  public static Fit fit() {
    return new AutoValue_ChiSqSelector_Fit.Builder()
        .setInputCol("features")
        .setOutputCol("selected")
        .setLabelCol("label")
        .setSelectorType(SelectorType.NUM_TOP_FEATURES)
        .setNumTopFeatures(50)
        .setPercentile(0.1)
        .setFpr(0.05)
        .setFdr(0.05)
        .setFwe(0.05)
        .build();
  }

  /**
   * Appends the selected features of each row with the one model in {@code model}, on bounded or
   * unbounded rows; {@code .withFailures()} on the result keeps rows that cannot be mapped.
   *
   * <pre>{@code
   * PCollection<Row> selected = stream.apply(ChiSqSelector.transform(selector));
   * }</pre>
   */
  public static ApplyModel<ChiSqSelectorModel> transform(PCollection<ChiSqSelectorModel> model) {
    return ApplyModel.of(model);
  }

  /**
   * Fits a {@link ChiSqSelectorModel}; see {@link ChiSqSelector} for the parameters.
   *
   * <pre>{@code
   * PCollection<ChiSqSelectorModel> selector =
   *     rows.apply(ChiSqSelector.fit().withSelectorType(SelectorType.FPR).withFpr(0.01));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit
      extends PTransform<PCollection<Row>, PCollection<ChiSqSelectorModel>>
      implements PipelineStage {
    abstract String inputCol();

    abstract String outputCol();

    abstract String labelCol();

    abstract SelectorType selectorType();

    abstract int numTopFeatures();

    abstract double percentile();

    abstract double fpr();

    abstract double fdr();

    abstract double fwe();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setInputCol(String inputCol);

      abstract Builder setOutputCol(String outputCol);

      abstract Builder setLabelCol(String labelCol);

      abstract Builder setSelectorType(SelectorType selectorType);

      abstract Builder setNumTopFeatures(int numTopFeatures);

      abstract Builder setPercentile(double percentile);

      abstract Builder setFpr(double fpr);

      abstract Builder setFdr(double fdr);

      abstract Builder setFwe(double fwe);

      abstract Fit build();
    }

    /**
     * The vector column of features; default "features".
     *
     * <pre>{@code
     * ChiSqSelector.fit().withInputCol("counts");
     * }</pre>
     */
    public Fit withInputCol(String inputCol) {
      return toBuilder().setInputCol(checkName(inputCol, "inputCol")).build();
    }

    /**
     * The appended vector column of selected features; default "selected".
     *
     * <pre>{@code
     * ChiSqSelector.fit().withOutputCol("kept");
     * }</pre>
     */
    public Fit withOutputCol(String outputCol) {
      return toBuilder().setOutputCol(checkName(outputCol, "outputCol")).build();
    }

    /**
     * The class label column (string, boolean or numeric); default "label".
     *
     * <pre>{@code
     * ChiSqSelector.fit().withLabelCol("species");
     * }</pre>
     */
    public Fit withLabelCol(String labelCol) {
      return toBuilder().setLabelCol(checkName(labelCol, "labelCol")).build();
    }

    /**
     * The selection rule; default NUM_TOP_FEATURES.
     *
     * <pre>{@code
     * ChiSqSelector.fit().withSelectorType(SelectorType.PERCENTILE).withPercentile(0.25);
     * }</pre>
     */
    public Fit withSelectorType(SelectorType selectorType) {
      if (selectorType == null) {
        throw new IllegalArgumentException("Expected a selector type, got null");
      }
      return toBuilder().setSelectorType(selectorType).build();
    }

    /**
     * For NUM_TOP_FEATURES: how many features to keep, at least 1; default 50.
     *
     * <pre>{@code
     * ChiSqSelector.fit().withNumTopFeatures(20);
     * }</pre>
     */
    public Fit withNumTopFeatures(int numTopFeatures) {
      if (numTopFeatures < 1) {
        throw new IllegalArgumentException("Expected numTopFeatures >= 1, got " + numTopFeatures);
      }
      return toBuilder().setNumTopFeatures(numTopFeatures).build();
    }

    /**
     * For PERCENTILE: the fraction of features to keep, in [0, 1]; default 0.1.
     *
     * <pre>{@code
     * ChiSqSelector.fit().withSelectorType(SelectorType.PERCENTILE).withPercentile(0.1);
     * }</pre>
     */
    public Fit withPercentile(double percentile) {
      return toBuilder().setPercentile(checkFraction(percentile, "percentile")).build();
    }

    /**
     * For FPR: the largest p-value kept (exclusive), in [0, 1]; default 0.05.
     *
     * <pre>{@code
     * ChiSqSelector.fit().withSelectorType(SelectorType.FPR).withFpr(0.01);
     * }</pre>
     */
    public Fit withFpr(double fpr) {
      return toBuilder().setFpr(checkFraction(fpr, "fpr")).build();
    }

    /**
     * For FDR: the false discovery rate of Benjamini-Hochberg, in [0, 1]; default 0.05.
     *
     * <pre>{@code
     * ChiSqSelector.fit().withSelectorType(SelectorType.FDR).withFdr(0.01);
     * }</pre>
     */
    public Fit withFdr(double fdr) {
      return toBuilder().setFdr(checkFraction(fdr, "fdr")).build();
    }

    /**
     * For FWE: the family-wise error rate (p-value below {@code fwe / d} kept), in [0, 1]; default
     * 0.05.
     *
     * <pre>{@code
     * ChiSqSelector.fit().withSelectorType(SelectorType.FWE).withFwe(0.01);
     * }</pre>
     */
    public Fit withFwe(double fwe) {
      return toBuilder().setFwe(checkFraction(fwe, "fwe")).build();
    }

    private double selectorParam() {
      return switch (selectorType()) {
        case NUM_TOP_FEATURES -> numTopFeatures();
        case PERCENTILE -> percentile();
        case FPR -> fpr();
        case FDR -> fdr();
        case FWE -> fwe();
      };
    }

    /** What this stage does to a schema, from its parameters alone. */
    private SchemaMapping mapping() {
      String in = inputCol();
      String out = outputCol();
      return schema -> ChiSqSelectorModel.outputSchema(schema, in, out);
    }

    /**
     * Fits the model as a pipeline stage.
     *
     * <pre>{@code
     * PCollection<Transformer> stage = ChiSqSelector.fit().withNumTopFeatures(2).fitStage(rows);
     * }</pre>
     */
    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      return PipelineStage.fitted(input.apply(this), mapping());
    }

    @Override
    public PCollection<ChiSqSelectorModel> expand(PCollection<Row> input) {
      Schema schema = input.getSchema();
      SchemaMapping mapping = mapping();
      mapping.outputSchema(schema);
      if (!schema.hasField(labelCol())) {
        throw new IllegalArgumentException(
            "Label column '"
                + labelCol()
                + "' not found; the input has columns "
                + schema.getFieldNames());
      }
      Schema.FieldType labelType = schema.getField(labelCol()).getType();
      if (!LabelValues.isLabelType(labelType)) {
        throw new IllegalArgumentException(
            "Label column '"
                + labelCol()
                + "' has type "
                + labelType
                + "; expected a string, boolean or number");
      }
      ClassStatsFn sums =
          ClassStatsFn.of(
              NAME,
              FeatureColumns.ofVector(inputCol()).bind(schema),
              labelCol(),
              MAX_CLASSES,
              new AddRow(inputCol()));
      Select select =
          new Select(
              inputCol(),
              outputCol(),
              labelCol(),
              labelType.getTypeName(),
              selectorType(),
              selectorParam());
      return input
          .apply("Class sums", Combine.globally(sums))
          .setCoder(ClassStatsFn.TableCoder.of())
          .apply("Select features", MapElements.via(select))
          .setCoder(TransformerCoder.of(ChiSqSelectorModel.class, mapping));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("inputCol", inputCol()))
          .add(DisplayData.item("outputCol", outputCol()))
          .add(DisplayData.item("labelCol", labelCol()))
          .add(DisplayData.item("selectorType", selectorType().name()))
          .add(DisplayData.item("selectorParam", selectorParam()));
    }
  }

  private static String checkName(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name for " + what + ", got none");
    }
    return name;
  }

  private static double checkFraction(double value, String what) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("Expected " + what + " in [0, 1], got " + value);
    }
    return value;
  }

  /** Adds a row's features, which must not be negative, to its class's sums. */
  private static final class AddRow implements ClassStatsFn.RowUpdate {
    private static final long serialVersionUID = 1L;

    private final String inputCol;

    AddRow(String inputCol) {
      this.inputCol = inputCol;
    }

    @Override
    public void add(ClassStatsFn.ClassStats s, Vector x, double w, Row row) {
      x.forEachNonzero(
          (j, v) -> {
            if (v < 0) {
              throw new IllegalArgumentException(
                  "Vector column '"
                      + inputCol
                      + "' has negative value "
                      + v
                      + " at index "
                      + j
                      + " in row "
                      + RowText.of(row)
                      + "; the chi-squared statistic needs non-negative features"
                      + " (counts or frequencies)");
            }
            s.addToSum(j, v);
          });
    }
  }

  /**
   * Scores and selects the features from the class sums of all rows; fails on an empty input or a
   * single class.
   */
  static final class Select extends SimpleFunction<ClassStatsFn.Table, ChiSqSelectorModel> {
    private static final long serialVersionUID = 1L;

    private final String inputCol;
    private final String outputCol;
    private final String labelCol;
    private final TypeName labelType;
    private final SelectorType selectorType;
    private final double selectorParam;

    Select(
        String inputCol,
        String outputCol,
        String labelCol,
        TypeName labelType,
        SelectorType selectorType,
        double selectorParam) {
      this.inputCol = inputCol;
      this.outputCol = outputCol;
      this.labelCol = labelCol;
      this.labelType = labelType;
      this.selectorType = selectorType;
      this.selectorParam = selectorParam;
    }

    @Override
    public ChiSqSelectorModel apply(ClassStatsFn.Table stats) {
      List<String> labels = stats.labels(labelType, NAME, labelCol);
      long[] counts = new long[labels.size()];
      double[][] sums = new double[labels.size()][];
      for (int c = 0; c < labels.size(); c++) {
        ClassStatsFn.ClassStats s = stats.get(labels.get(c));
        counts[c] = s.rows();
        sums[c] = s.sums();
      }
      return ChiSqSelectorModel.fromClassSums(
          inputCol, outputCol, selectorType, selectorParam, counts, sums);
    }
  }
}
