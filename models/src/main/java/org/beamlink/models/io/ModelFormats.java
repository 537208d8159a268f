package org.beamlink.models.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.clustering.KMeansModelCoder;
import org.beamlink.models.clustering.KMeansModelStage;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelCoder;
import org.beamlink.models.linear.LinearModelStage;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.PipelineModelCoder;

/**
 * Every model type Beamlink saves, by its stable type name: model files and {@code
 * TransformerCoder} look formats up here. A new model type adds one line to {@link #ALL}; a type
 * name, once released, never changes or goes away, so that old files still load.
 *
 * <pre>{@code
 * ModelFormat<?> f = ModelFormats.forType("pipeline-model");
 * String type = ModelFormats.forModel(model).type();
 * }</pre>
 */
public final class ModelFormats {
  private ModelFormats() {}

  private static final List<ModelFormat<?>> ALL =
      List.of(
          ModelFormat.of(
              "pipeline-model",
              PipelineModel.class,
              PipelineModelCoder.of(),
              PipelineModel::parameters),
          ModelFormat.of(
              "linear-model",
              LinearModel.class,
              LinearModelCoder.of(null),
              m -> m.provenance().parameters()),
          ModelFormat.of(
              "linear-model-stage",
              LinearModelStage.class,
              LinearModelStage.Coder.of(),
              LinearModelStage::parameters),
          ModelFormat.of(
              "kmeans-model",
              KMeansModel.class,
              KMeansModelCoder.of(),
              m -> m.provenance().parameters()),
          ModelFormat.of(
              "kmeans-model-stage",
              KMeansModelStage.class,
              KMeansModelStage.Coder.of(),
              KMeansModelStage::parameters),
          ModelFormat.of(
              "pca-model",
              org.beamlink.models.feature.PcaModel.class,
              org.beamlink.models.feature.PcaModel.Coder.of(),
              org.beamlink.models.feature.PcaModel::parameters),
          ModelFormat.of(
              "chi-sq-selector-model",
              org.beamlink.models.feature.ChiSqSelectorModel.class,
              org.beamlink.models.feature.ChiSqSelectorModel.Coder.of(),
              org.beamlink.models.feature.ChiSqSelectorModel::parameters),
          ModelFormat.of(
              "standard-scaler-model",
              org.beamlink.models.feature.StandardScalerModel.class,
              org.beamlink.models.feature.StandardScalerModel.Coder.of(),
              org.beamlink.models.feature.StandardScalerModel::parameters),
          ModelFormat.of(
              "min-max-scaler-model",
              org.beamlink.models.feature.MinMaxScalerModel.class,
              org.beamlink.models.feature.MinMaxScalerModel.Coder.of(),
              org.beamlink.models.feature.MinMaxScalerModel::parameters),
          ModelFormat.of(
              "max-abs-scaler-model",
              org.beamlink.models.feature.MaxAbsScalerModel.class,
              org.beamlink.models.feature.MaxAbsScalerModel.Coder.of(),
              org.beamlink.models.feature.MaxAbsScalerModel::parameters),
          ModelFormat.of(
              "normalizer",
              org.beamlink.models.feature.NormalizerMapper.class,
              org.beamlink.models.feature.NormalizerMapper.Coder.of(),
              org.beamlink.models.feature.NormalizerMapper::parameters),
          ModelFormat.of(
              "imputer-model",
              org.beamlink.models.feature.ImputerModel.class,
              org.beamlink.models.feature.ImputerModel.Coder.of(),
              org.beamlink.models.feature.ImputerModel::parameters),
          ModelFormat.of(
              "binarizer",
              org.beamlink.models.feature.BinarizerMapper.class,
              org.beamlink.models.feature.BinarizerMapper.Coder.of(),
              org.beamlink.models.feature.BinarizerMapper::parameters),
          ModelFormat.of(
              "bucketizer",
              org.beamlink.models.feature.BucketizerMapper.class,
              org.beamlink.models.feature.BucketizerMapper.Coder.of(),
              org.beamlink.models.feature.BucketizerMapper::parameters),
          ModelFormat.of(
              "string-indexer-model",
              org.beamlink.models.feature.StringIndexerModel.class,
              org.beamlink.models.feature.StringIndexerModel.Coder.of(),
              org.beamlink.models.feature.StringIndexerModel::parameters),
          ModelFormat.of(
              "index-to-string",
              org.beamlink.models.feature.IndexToStringMapper.class,
              org.beamlink.models.feature.IndexToStringMapper.Coder.of(),
              org.beamlink.models.feature.IndexToStringMapper::parameters),
          ModelFormat.of(
              "one-hot-encoder-model",
              org.beamlink.models.feature.OneHotEncoderModel.class,
              org.beamlink.models.feature.OneHotEncoderModel.Coder.of(),
              org.beamlink.models.feature.OneHotEncoderModel::parameters),
          ModelFormat.of(
              "vector-assembler",
              org.beamlink.models.feature.VectorAssemblerMapper.class,
              org.beamlink.models.feature.VectorAssemblerMapper.Coder.of(),
              org.beamlink.models.feature.VectorAssemblerMapper::parameters),
          ModelFormat.of(
              "vector-slicer",
              org.beamlink.models.feature.VectorSlicerMapper.class,
              org.beamlink.models.feature.VectorSlicerMapper.Coder.of(),
              org.beamlink.models.feature.VectorSlicerMapper::parameters),
          ModelFormat.of(
              "feature-hasher",
              org.beamlink.models.feature.FeatureHasherMapper.class,
              org.beamlink.models.feature.FeatureHasherMapper.Coder.of(),
              org.beamlink.models.feature.FeatureHasherMapper::parameters),
          ModelFormat.of(
              "polynomial-expansion",
              org.beamlink.models.feature.PolynomialExpansionMapper.class,
              org.beamlink.models.feature.PolynomialExpansionMapper.Coder.of(),
              org.beamlink.models.feature.PolynomialExpansionMapper::parameters),
          ModelFormat.of(
              "tokenizer",
              org.beamlink.models.nlp.TokenizerMapper.class,
              org.beamlink.models.nlp.TokenizerMapper.Coder.of(),
              org.beamlink.models.nlp.TokenizerMapper::parameters),
          ModelFormat.of(
              "regex-tokenizer",
              org.beamlink.models.nlp.RegexTokenizerMapper.class,
              org.beamlink.models.nlp.RegexTokenizerMapper.Coder.of(),
              org.beamlink.models.nlp.RegexTokenizerMapper::parameters),
          ModelFormat.of(
              "stop-words-remover",
              org.beamlink.models.nlp.StopWordsRemoverMapper.class,
              org.beamlink.models.nlp.StopWordsRemoverMapper.Coder.of(),
              org.beamlink.models.nlp.StopWordsRemoverMapper::parameters),
          ModelFormat.of(
              "ngram",
              org.beamlink.models.nlp.NGramMapper.class,
              org.beamlink.models.nlp.NGramMapper.Coder.of(),
              org.beamlink.models.nlp.NGramMapper::parameters),
          ModelFormat.of(
              "segment",
              org.beamlink.models.nlp.SegmentMapper.class,
              org.beamlink.models.nlp.SegmentMapper.Coder.of(),
              org.beamlink.models.nlp.SegmentMapper::parameters),
          ModelFormat.of(
              "doc-count-vectorizer-model",
              org.beamlink.models.nlp.DocCountVectorizerModel.class,
              org.beamlink.models.nlp.DocCountVectorizerModel.Coder.of(),
              org.beamlink.models.nlp.DocCountVectorizerModel::parameters),
          ModelFormat.of(
              "doc-hash-count-vectorizer-model",
              org.beamlink.models.nlp.DocHashCountVectorizerModel.class,
              org.beamlink.models.nlp.DocHashCountVectorizerModel.Coder.of(),
              org.beamlink.models.nlp.DocHashCountVectorizerModel::parameters),
          ModelFormat.of(
              "naive-bayes-model",
              org.beamlink.models.classification.NaiveBayesModel.class,
              org.beamlink.models.classification.NaiveBayesModel.Coder.of(),
              org.beamlink.models.classification.NaiveBayesModel::parameters));

  private static final Map<String, ModelFormat<?>> BY_TYPE = new LinkedHashMap<>();
  private static final Map<Class<?>, ModelFormat<?>> BY_CLASS = new LinkedHashMap<>();

  static {
    for (ModelFormat<?> f : ALL) {
      if (BY_TYPE.put(f.type(), f) != null || BY_CLASS.put(f.modelClass(), f) != null) {
        throw new IllegalStateException("Two model formats for " + f.type());
      }
    }
  }

  /**
   * The format named {@code type}.
   *
   * @throws IllegalArgumentException for a name this library does not know
   */
  public static ModelFormat<?> forType(String type) {
    ModelFormat<?> f = BY_TYPE.get(type);
    if (f == null) {
      throw new IllegalArgumentException(
          "Unknown model type '" + type + "'; this library knows " + BY_TYPE.keySet());
    }
    return f;
  }

  /**
   * The format of {@code model}'s class.
   *
   * @throws IllegalArgumentException for a class that has no format
   */
  public static ModelFormat<?> forModel(Object model) {
    ModelFormat<?> f = BY_CLASS.get(model.getClass());
    if (f == null) {
      throw new IllegalArgumentException(
          "No model format for "
              + model.getClass().getName()
              + "; register one in ModelFormats to save or encode it");
    }
    return f;
  }
}
