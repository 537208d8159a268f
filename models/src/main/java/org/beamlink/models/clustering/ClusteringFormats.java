package org.beamlink.models.clustering;

import java.util.List;
import org.beamlink.models.io.ModelFormat;
import org.beamlink.models.io.ModelFormatProvider;

/**
 * The clustering family's model formats: a {@link KMeansModel} without output columns ({@code
 * kmeans-model}, as {@code KMeans.fit()} makes it) and with them ({@code kmeans-model-stage}, as a
 * pipeline stage), a {@link GaussianMixtureModel} ({@code gaussian-mixture-model}) and a {@link
 * BisectingKMeansModel} ({@code bisecting-kmeans-model}), an {@link LdaModel} ({@code lda-model})
 * and a {@link DbscanModel} ({@code dbscan-model}). Found by {@link
 * org.beamlink.models.io.ModelFormats} through {@code META-INF/services}.
 *
 * <pre>{@code
 * List<ModelFormat<?>> formats = new ClusteringFormats().formats();
 * }</pre>
 */
public final class ClusteringFormats implements ModelFormatProvider {
  @Override
  public List<ModelFormat<?>> formats() {
    return List.of(
        ModelFormat.of(
                "kmeans-model",
                KMeansModel.class,
                KMeansModelCoder.of(),
                m -> m.provenance().parameters())
            .writtenWhen(m -> !m.hasOutputCols()),
        ModelFormat.of(
                "kmeans-model-stage",
                KMeansModel.class,
                KMeansModelCoder.withOutputCols(),
                KMeansModel::parameters)
            .writtenWhen(KMeansModel::hasOutputCols),
        ModelFormat.of(
            "gaussian-mixture-model",
            GaussianMixtureModel.class,
            GaussianMixtureModel.Coder.of(),
            GaussianMixtureModel::parameters),
        ModelFormat.of(
            "bisecting-kmeans-model",
            BisectingKMeansModel.class,
            BisectingKMeansModel.Coder.of(),
            BisectingKMeansModel::parameters),
        ModelFormat.of("lda-model", LdaModel.class, LdaModel.Coder.of(), LdaModel::parameters),
        ModelFormat.of(
            "dbscan-model", DbscanModel.class, DbscanModel.Coder.of(), DbscanModel::parameters));
  }
}
