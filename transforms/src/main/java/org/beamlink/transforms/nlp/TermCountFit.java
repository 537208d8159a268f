package org.beamlink.transforms.nlp;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.nlp.FeatureType;
import org.beamlink.models.nlp.IdfFormula;
import org.beamlink.models.nlp.Norm;
import org.beamlink.models.nlp.TermWeighting;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The estimator of a term-count vectorizer (DocCountVectorizer, DocHashCountVectorizer): a token
 * column in, a term vector column appended, document frequencies counted on bounded input, and the
 * shared weighting parameters ({@code minDF}, {@code featureType}, {@code idf}, {@code norm},
 * {@code minTF}). A subclass says how terms are keyed and kept ({@link #fitModel}).
 *
 * <p>A subclass is an AutoValue class whose builder implements {@link ParamsBuilder}; it adds its
 * own parameters, their display data, {@link #placeholder} and {@link #fitModel}.
 *
 * @param <M> the fitted model
 * @param <F> the concrete estimator, returned by the setters
 */
abstract class TermCountFit<M extends Transformer, F extends TermCountFit<M, F>>
    extends PTransform<PCollection<Row>, PCollection<M>> implements PipelineStage {

  /** The setters of the shared parameters, implemented by the subclass's AutoValue builder. */
  interface ParamsBuilder<F> {
    ParamsBuilder<F> setInputCol(String inputCol);

    ParamsBuilder<F> setOutputCol(String outputCol);

    ParamsBuilder<F> setMinDF(double minDF);

    ParamsBuilder<F> setFeatureType(FeatureType featureType);

    ParamsBuilder<F> setIdf(IdfFormula idf);

    ParamsBuilder<F> setNorm(Norm norm);

    ParamsBuilder<F> setMinTF(double minTF);

    F build();
  }

  abstract @Nullable String inputCol();

  abstract String outputCol();

  abstract double minDF();

  abstract FeatureType featureType();

  abstract IdfFormula idf();

  abstract Norm norm();

  abstract double minTF();

  abstract ParamsBuilder<F> toBuilder();

  /** The name errors and display data give the stage. */
  abstract String stageName();

  /** The model class, for the model's coder. */
  abstract Class<M> modelType();

  /** A model with these columns and weighting and no terms: its output schema is the fit's. */
  abstract M placeholder(String inputCol, String outputCol, TermWeighting weighting);

  /**
   * The model fitted on {@code input} (bounded, its columns checked), given the number of
   * documents; the base sets the model's coder.
   */
  abstract PCollection<M> fitModel(PCollection<Row> input, PCollectionView<Long> numDocs);

  /** The token column (an array of STRING); required. */
  public F withInputCol(String inputCol) {
    return toBuilder().setInputCol(TextParams.columnName(inputCol, "inputCol")).build();
  }

  /** The vector column to append; default {@code "features"}. */
  public F withOutputCol(String outputCol) {
    return toBuilder().setOutputCol(TextParams.columnName(outputCol, "outputCol")).build();
  }

  /**
   * Terms (for the hashing vectorizer, buckets) in fewer documents are left out: a count when
   * {@code >= 1}, else a fraction of the documents; default 1.
   */
  public F withMinDF(double minDF) {
    return toBuilder().setMinDF(TextParams.countOrFraction(minDF, "minDF")).build();
  }

  /** What each coordinate holds; default WORD_COUNT. */
  public F withFeatureType(FeatureType featureType) {
    return toBuilder().setFeatureType(TextParams.given(featureType, "a FeatureType")).build();
  }

  /** The IDF formula for IDF and TF_IDF; default SKLEARN_SMOOTH. */
  public F withIdf(IdfFormula idf) {
    return toBuilder().setIdf(TextParams.given(idf, "an IdfFormula")).build();
  }

  /** How each output vector is scaled; default NONE. */
  public F withNorm(Norm norm) {
    return toBuilder().setNorm(TextParams.given(norm, "a Norm")).build();
  }

  /**
   * A term (bucket) counts in a document only when it occurs at least this often there: a count
   * when {@code >= 1}, else a fraction of the document's tokens; default 1 (Spark's minTF).
   */
  public F withMinTF(double minTF) {
    return toBuilder().setMinTF(TextParams.countOrFraction(minTF, "minTF")).build();
  }

  TermWeighting weighting() {
    return TermWeighting.of(featureType(), idf(), norm(), minTF());
  }

  /** What the fitted model does to a schema: known from the parameters alone. */
  SchemaMapping mapping() {
    TextParams.require(inputCol(), "withInputCol", stageName());
    return placeholder(inputCol(), outputCol(), weighting())::outputSchema;
  }

  @Override
  public PCollection<M> expand(PCollection<Row> input) {
    SchemaMapping mapping = mapping();
    mapping.outputSchema(input.getSchema());
    TextParams.requireBounded(input, stageName());
    PCollectionView<Long> numDocs = DocumentFrequencies.countDocuments(input);
    return fitModel(input, numDocs).setCoder(TransformerCoder.of(modelType(), mapping));
  }

  @Override
  public PCollection<Transformer> fitStage(PCollection<Row> input) {
    return PipelineStage.fitted(input.apply(this), mapping());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .addIfNotNull(DisplayData.item("inputCol", inputCol()))
        .add(DisplayData.item("outputCol", outputCol()))
        .add(DisplayData.item("minDF", minDF()))
        .add(DisplayData.item("featureType", featureType().name()))
        .add(DisplayData.item("idf", idf().name()))
        .add(DisplayData.item("norm", norm().name()))
        .add(DisplayData.item("minTF", minTF()));
  }
}
