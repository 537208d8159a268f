package org.beamlink.transforms.classification;

import com.google.auto.value.AutoValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.classification.NaiveBayesModel;
import org.beamlink.models.classification.NaiveBayesModelType;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.LabelValues;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.stats.ClassStatsFn;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Naive Bayes classification: {@link #fit()} learns a {@link NaiveBayesModel} in one pass over the
 * rows (no iteration), {@link #predict} appends the predicted label and the class probabilities, on
 * bounded or unbounded rows.
 *
 * <p>Semantics are scikit-learn's {@code MultinomialNB}, {@code BernoulliNB} and {@code GaussianNB}
 * (with {@code fit_prior=True}), which Spark's {@code NaiveBayes} shares for the feature
 * probabilities; where they differ, scikit-learn is followed and Spark's behaviour is said:
 *
 * <ul>
 *   <li>MULTINOMIAL (default, as Spark): {@code log P(j|c) = log(F_cj + a) - log(sum_j F_cj + d
 *       a)}, {@code F_cj} the (weighted) sum of feature {@code j} over class {@code c}. For counts,
 *       frequencies and TF-IDF vectors.
 *   <li>BERNOULLI: a feature is present when above {@code binarize} (default 0.0, scikit-learn's
 *       {@code binarize}; Spark instead requires 0/1 values); {@code log P(j|c) = log(N_cj + a) -
 *       log(N_c + 2a)}, and absent features count through {@code log(1 - P(j|c))}.
 *   <li>GAUSSIAN: per-class means and population variances, every variance increased by {@code
 *       varSmoothing * max_j var(x_j)} (default 1e-9; the variance over all rows, weighted here, as
 *       scikit-learn computes it unweighted).
 *   <li>Class priors {@code log(N_c / N)}, with {@code N_c} the class's total weight (Spark also
 *       smooths the priors: {@code log((N_c + a) / (N + k a))}).
 * </ul>
 *
 * <p>{@code a} is {@code smoothing} (default 1.0, Laplace), raised to 1e-10 when smaller as
 * scikit-learn does, so log-probabilities stay finite. The fit is one {@code Combine.globally} of
 * per-class sums ({@code k x d} numbers; Welford-style weighted moments for GAUSSIAN), exact to
 * rounding on any runner and split; a sparse vector costs its non-zeros (MULTINOMIAL, BERNOULLI)
 * and stays sparse when scored (the multinomial score is a sparse dot product per class).
 *
 * <p>Parameters ({@code fit()} sets every default):
 *
 * <ul>
 *   <li>{@code labelCol} (required): class labels of any string, boolean or numeric type, 2 to
 *       {@value #MAX_CLASSES} distinct values, kept in their natural order; predictions have the
 *       label column's type.
 *   <li>{@code featureCols} (numeric columns) or {@code vectorCol} (dense or sparse, one size);
 *       {@code weightCol}, default none (non-negative weights; a weight {@code w} counts as {@code
 *       w} repeated rows).
 *   <li>{@code modelType}, default MULTINOMIAL; {@code smoothing} >= 0, default 1.0; {@code
 *       binarize} >= 0, default 0.0; {@code varSmoothing} >= 0, default 1e-9.
 *   <li>{@code predictionCol} (default "prediction") and {@code predictionDetailCol} (default
 *       "predictionDetail", the class probabilities in the model's label order): the columns the
 *       fitted model appends; with two labels, {@code probabilityCol} (default none): a DOUBLE
 *       column with the probability of the positive class, the second label.
 * </ul>
 *
 * <p>Bad input fails with the column, value and row named: a null, NaN or infinite feature, a
 * negative feature for MULTINOMIAL or BERNOULLI (when fitting and scoring), a null or NaN label, a
 * negative weight, vectors of different sizes, an empty input, a single class. A missing column, a
 * non-numeric feature column, a label column of another type or an existing output column fails
 * when the pipeline is built.
 *
 * <pre>{@code
 * PCollection<NaiveBayesModel> model =
 *     rows.apply(NaiveBayes.fit().withLabelCol("spam").withVectorCol("counts").withSmoothing(0.5));
 * PCollection<Row> scored = emails.apply(NaiveBayes.predict(model)); // + prediction, predictionDetail
 * }</pre>
 *
 * <p>References: McCallum and Nigam, A comparison of event models for naive Bayes text
 * classification (AAAI-98 workshop); Manning, Raghavan and Schütze, Introduction to Information
 * Retrieval (2008), chapter 13.
 */
public final class NaiveBayes {
  /** The most distinct labels a fit accepts: its combine holds {@code k x d} sums. */
  public static final int MAX_CLASSES = 1000;

  private static final String NAME = "NaiveBayes";

  private NaiveBayes() {}

  /**
   * The estimator, with every default set: MULTINOMIAL, smoothing 1.0, binarize 0.0, varSmoothing
   * 1e-9, columns "prediction" and "predictionDetail".
   *
   * <pre>{@code
   * PCollection<NaiveBayesModel> model =
   *     rows.apply(NaiveBayes.fit().withLabelCol("label").withVectorCol("features"));
   * }</pre>
   */
  public static Fit fit() {
    return new AutoValue_NaiveBayes_Fit.Builder()
        .setModelType(NaiveBayesModelType.MULTINOMIAL)
        .setSmoothing(1.0)
        .setBinarize(0.0)
        .setVarSmoothing(1e-9)
        .setPredictionCol("prediction")
        .setPredictionDetailCol("predictionDetail")
        .build();
  }

  /**
   * Scores rows, bounded or unbounded, with the one model in {@code model}: appends the model's
   * {@code predictionCol} and {@code predictionDetailCol}. {@code .withFailures()} on the result
   * keeps rows that cannot be scored beside their error.
   *
   * <pre>{@code
   * PCollection<Row> scored = stream.apply(NaiveBayes.predict(model));
   * }</pre>
   */
  public static ApplyModel<NaiveBayesModel> predict(PCollection<NaiveBayesModel> model) {
    return ApplyModel.of(model);
  }

  /**
   * The transform {@link #fit()} returns: rows in, one {@link NaiveBayesModel} out. See {@link
   * NaiveBayes} for the parameters.
   *
   * <pre>{@code
   * rows.apply(NaiveBayes.fit().withModelType(NaiveBayesModelType.GAUSSIAN).withLabelCol("y")
   *     .withFeatureCols("a", "b"));
   * }</pre>
   */
  @AutoValue
  public abstract static class Fit
      extends PTransform<PCollection<Row>, PCollection<NaiveBayesModel>> implements PipelineStage {
    abstract @Nullable String labelCol();

    abstract @Nullable List<String> featureCols();

    abstract @Nullable String vectorCol();

    abstract @Nullable String weightCol();

    abstract NaiveBayesModelType modelType();

    abstract double smoothing();

    abstract double binarize();

    abstract double varSmoothing();

    abstract String predictionCol();

    abstract String predictionDetailCol();

    abstract @Nullable String probabilityCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setLabelCol(@Nullable String col);

      abstract Builder setFeatureCols(@Nullable List<String> cols);

      abstract Builder setVectorCol(@Nullable String col);

      abstract Builder setWeightCol(@Nullable String col);

      abstract Builder setModelType(NaiveBayesModelType type);

      abstract Builder setSmoothing(double smoothing);

      abstract Builder setBinarize(double binarize);

      abstract Builder setVarSmoothing(double varSmoothing);

      abstract Builder setPredictionCol(String col);

      abstract Builder setPredictionDetailCol(String col);

      abstract Builder setProbabilityCol(@Nullable String col);

      abstract Fit build();
    }

    /**
     * The class label column (required).
     *
     * <pre>{@code
     * NaiveBayes.fit().withLabelCol("species");
     * }</pre>
     */
    public Fit withLabelCol(String col) {
      return toBuilder().setLabelCol(checkName(col, "labelCol")).build();
    }

    /**
     * Features from these numeric columns (replaces {@code vectorCol}).
     *
     * <pre>{@code
     * NaiveBayes.fit().withFeatureCols("sepal_length", "sepal_width");
     * }</pre>
     */
    public Fit withFeatureCols(String... cols) {
      if (cols.length == 0) {
        throw new IllegalArgumentException("Expected at least one feature column, got none");
      }
      for (String col : cols) {
        checkName(col, "featureCols");
      }
      return toBuilder().setFeatureCols(List.of(cols)).setVectorCol(null).build();
    }

    /**
     * Features from this vector column, dense or sparse (replaces {@code featureCols}).
     *
     * <pre>{@code
     * NaiveBayes.fit().withVectorCol("counts");
     * }</pre>
     */
    public Fit withVectorCol(String col) {
      return toBuilder().setVectorCol(checkName(col, "vectorCol")).setFeatureCols(null).build();
    }

    /**
     * A non-negative numeric weight per row; default none (every row weighs 1).
     *
     * <pre>{@code
     * NaiveBayes.fit().withWeightCol("weight");
     * }</pre>
     */
    public Fit withWeightCol(String col) {
      return toBuilder().setWeightCol(checkName(col, "weightCol")).build();
    }

    /**
     * The event model; default MULTINOMIAL.
     *
     * <pre>{@code
     * NaiveBayes.fit().withModelType(NaiveBayesModelType.BERNOULLI);
     * }</pre>
     */
    public Fit withModelType(NaiveBayesModelType type) {
      if (type == null) {
        throw new IllegalArgumentException("Expected a model type, got null");
      }
      return toBuilder().setModelType(type).build();
    }

    /**
     * MULTINOMIAL and BERNOULLI: additive smoothing, at least 0 (below 1e-10 counts as 1e-10);
     * default 1.0.
     *
     * <pre>{@code
     * NaiveBayes.fit().withSmoothing(0.1);
     * }</pre>
     */
    public Fit withSmoothing(double smoothing) {
      if (!(smoothing >= 0) || Double.isInfinite(smoothing)) {
        throw new IllegalArgumentException("Expected smoothing >= 0 and finite, got " + smoothing);
      }
      return toBuilder().setSmoothing(smoothing).build();
    }

    /**
     * BERNOULLI: a feature is present when its value is above this, at least 0; default 0.0.
     *
     * <pre>{@code
     * NaiveBayes.fit().withModelType(NaiveBayesModelType.BERNOULLI).withBinarize(0.5);
     * }</pre>
     */
    public Fit withBinarize(double binarize) {
      if (!(binarize >= 0) || Double.isInfinite(binarize)) {
        throw new IllegalArgumentException("Expected binarize >= 0 and finite, got " + binarize);
      }
      return toBuilder().setBinarize(binarize).build();
    }

    /**
     * GAUSSIAN: the fraction of the largest feature variance added to every variance, at least 0;
     * default 1e-9 (scikit-learn's {@code var_smoothing}).
     *
     * <pre>{@code
     * NaiveBayes.fit().withModelType(NaiveBayesModelType.GAUSSIAN).withVarSmoothing(1e-6);
     * }</pre>
     */
    public Fit withVarSmoothing(double varSmoothing) {
      if (!(varSmoothing >= 0) || Double.isInfinite(varSmoothing)) {
        throw new IllegalArgumentException(
            "Expected varSmoothing >= 0 and finite, got " + varSmoothing);
      }
      return toBuilder().setVarSmoothing(varSmoothing).build();
    }

    /**
     * The column the predicted label goes to; default "prediction".
     *
     * <pre>{@code
     * NaiveBayes.fit().withPredictionCol("predictedSpecies");
     * }</pre>
     */
    public Fit withPredictionCol(String col) {
      return toBuilder().setPredictionCol(checkName(col, "predictionCol")).build();
    }

    /**
     * The column the class probabilities go to; default "predictionDetail".
     *
     * <pre>{@code
     * NaiveBayes.fit().withPredictionDetailCol("probabilities");
     * }</pre>
     */
    public Fit withPredictionDetailCol(String col) {
      return toBuilder().setPredictionDetailCol(checkName(col, "predictionDetailCol")).build();
    }

    /**
     * The column the probability of the positive class (the second of two labels) goes to, a
     * DOUBLE: {@code predictionDetail[1]}; default none. A fit on more than two labels then fails.
     *
     * <pre>{@code
     * NaiveBayes.fit().withLabelCol("label").withVectorCol("counts").withProbabilityCol("pSpam");
     * }</pre>
     */
    public Fit withProbabilityCol(String col) {
      return toBuilder().setProbabilityCol(checkName(col, "probabilityCol")).build();
    }

    /**
     * Fits the model as a pipeline stage.
     *
     * <pre>{@code
     * PCollection<Transformer> stage = NaiveBayes.fit().withLabelCol("y").withVectorCol("v")
     *     .fitStage(rows);
     * }</pre>
     */
    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      PCollection<NaiveBayesModel> model = input.apply(this);
      return PipelineStage.fitted(model, TransformerCoder.mappingOf(model));
    }

    @Override
    public PCollection<NaiveBayesModel> expand(PCollection<Row> input) {
      Schema schema = input.getSchema();
      FeatureColumns features = FeatureColumns.of(featureCols(), vectorCol(), NAME);
      FeatureColumns.Bound bound = features.bind(schema);
      TypeName labelType = checkLabel(schema);
      int weightIndex = -1;
      if (weightCol() != null) {
        if (!schema.hasField(weightCol())) {
          throw new IllegalArgumentException(
              "Weight column '"
                  + weightCol()
                  + "' not found; the input has columns "
                  + schema.getFieldNames());
        }
        if (!FeatureColumns.isNumeric(schema.getField(weightCol()).getType())) {
          throw new IllegalArgumentException(
              "Weight column '"
                  + weightCol()
                  + "' has type "
                  + schema.getField(weightCol()).getType()
                  + "; expected a numeric column");
        }
        weightIndex = schema.indexOf(weightCol());
      }
      String prediction = predictionCol();
      String detail = predictionDetailCol();
      String probability = probabilityCol();
      SchemaMapping mapping =
          in ->
              NaiveBayesModel.outputSchema(
                  in, features, labelType, prediction, detail, probability);
      mapping.outputSchema(schema);
      NaiveBayesTraining.Params params =
          new NaiveBayesTraining.Params(
              modelType(),
              features,
              labelCol(),
              labelType,
              weightCol(),
              smoothing(),
              binarize(),
              varSmoothing(),
              prediction,
              detail,
              probability,
              description());
      return input
          .apply(
              "Class statistics",
              Combine.globally(NaiveBayesTraining.statsFn(params, bound, weightIndex)))
          .setCoder(ClassStatsFn.TableCoder.of())
          .apply("Build model", MapElements.via(new NaiveBayesTraining.BuildModel(params)))
          .setCoder(TransformerCoder.of(NaiveBayesModel.class, mapping));
    }

    private TypeName checkLabel(Schema schema) {
      if (labelCol() == null) {
        throw new IllegalArgumentException(NAME + " needs a label column: set withLabelCol(..)");
      }
      if (!schema.hasField(labelCol())) {
        throw new IllegalArgumentException(
            "Label column '"
                + labelCol()
                + "' not found; the input has columns "
                + schema.getFieldNames());
      }
      Schema.FieldType type = schema.getField(labelCol()).getType();
      if (!LabelValues.isLabelType(type)) {
        throw new IllegalArgumentException(
            "Label column '"
                + labelCol()
                + "' has type "
                + type
                + "; expected a string, boolean or number");
      }
      return type.getTypeName();
    }

    private TreeMap<String, String> description() {
      TreeMap<String, String> d = new TreeMap<>();
      d.put("labelCol", String.valueOf(labelCol()));
      d.put("features", FeatureColumns.of(featureCols(), vectorCol(), NAME).toString());
      d.put("modelType", modelType().name());
      switch (modelType()) {
        case MULTINOMIAL -> d.put("smoothing", Double.toString(smoothing()));
        case BERNOULLI -> {
          d.put("smoothing", Double.toString(smoothing()));
          d.put("binarize", Double.toString(binarize()));
        }
        case GAUSSIAN -> d.put("varSmoothing", Double.toString(varSmoothing()));
      }
      if (weightCol() != null) {
        d.put("weightCol", weightCol());
      }
      return d;
    }

    /** Names the transform {@code NaiveBayes} in a pipeline graph. */
    @Override
    protected String getKindString() {
      return NAME;
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      if (labelCol() != null && (featureCols() != null || vectorCol() != null)) {
        for (Map.Entry<String, String> e : description().entrySet()) {
          builder.add(DisplayData.item(e.getKey(), e.getValue()));
        }
      }
      builder
          .add(DisplayData.item("predictionCol", predictionCol()))
          .add(DisplayData.item("predictionDetailCol", predictionDetailCol()))
          .addIfNotNull(DisplayData.item("probabilityCol", probabilityCol()));
    }
  }

  private static String checkName(String name, String param) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name for " + param + ", got " + name);
    }
    return name;
  }
}
