package org.beamlink.models.feature;

import java.util.List;
import org.beamlink.models.io.ModelFormat;
import org.beamlink.models.io.ModelFormatProvider;

/**
 * The formats of the feature stages (scalers, encoders, selectors, mappers), found by {@link
 * org.beamlink.models.io.ModelFormats} through {@code META-INF/services}: each stage's type name
 * and its own versioned coder.
 *
 * <pre>{@code
 * List<ModelFormat<?>> formats = new FeatureFormats().formats();
 * }</pre>
 */
public final class FeatureFormats implements ModelFormatProvider {
  @Override
  public List<ModelFormat<?>> formats() {
    return List.of(
        ModelFormat.of("pca-model", PcaModel.class, PcaModel.Coder.of(), PcaModel::parameters),
        ModelFormat.of(
            "chi-sq-selector-model",
            ChiSqSelectorModel.class,
            ChiSqSelectorModel.Coder.of(),
            ChiSqSelectorModel::parameters),
        ModelFormat.of(
            "standard-scaler-model",
            StandardScalerModel.class,
            StandardScalerModel.Coder.of(),
            StandardScalerModel::parameters),
        ModelFormat.of(
            "min-max-scaler-model",
            MinMaxScalerModel.class,
            MinMaxScalerModel.Coder.of(),
            MinMaxScalerModel::parameters),
        ModelFormat.of(
            "max-abs-scaler-model",
            MaxAbsScalerModel.class,
            MaxAbsScalerModel.Coder.of(),
            MaxAbsScalerModel::parameters),
        ModelFormat.of(
            "normalizer",
            NormalizerMapper.class,
            NormalizerMapper.Coder.of(),
            NormalizerMapper::parameters),
        ModelFormat.of(
            "imputer-model", ImputerModel.class, ImputerModel.Coder.of(), ImputerModel::parameters),
        ModelFormat.of(
            "binarizer",
            BinarizerMapper.class,
            BinarizerMapper.Coder.of(),
            BinarizerMapper::parameters),
        ModelFormat.of(
            "bucketizer",
            BucketizerMapper.class,
            BucketizerMapper.Coder.of(),
            BucketizerMapper::parameters),
        ModelFormat.of(
            "string-indexer-model",
            StringIndexerModel.class,
            StringIndexerModel.Coder.of(),
            StringIndexerModel::parameters),
        ModelFormat.of(
            "index-to-string",
            IndexToStringMapper.class,
            IndexToStringMapper.Coder.of(),
            IndexToStringMapper::parameters),
        ModelFormat.of(
            "one-hot-encoder-model",
            OneHotEncoderModel.class,
            OneHotEncoderModel.Coder.of(),
            OneHotEncoderModel::parameters),
        ModelFormat.of(
            "vector-assembler",
            VectorAssemblerMapper.class,
            VectorAssemblerMapper.Coder.of(),
            VectorAssemblerMapper::parameters),
        ModelFormat.of(
            "vector-slicer",
            VectorSlicerMapper.class,
            VectorSlicerMapper.Coder.of(),
            VectorSlicerMapper::parameters),
        ModelFormat.of(
            "feature-hasher",
            FeatureHasherMapper.class,
            FeatureHasherMapper.Coder.of(),
            FeatureHasherMapper::parameters),
        ModelFormat.of(
            "polynomial-expansion",
            PolynomialExpansionMapper.class,
            PolynomialExpansionMapper.Coder.of(),
            PolynomialExpansionMapper::parameters));
  }
}
