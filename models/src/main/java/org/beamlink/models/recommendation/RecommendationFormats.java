package org.beamlink.models.recommendation;

import java.util.List;
import org.beamlink.models.io.ModelFormat;
import org.beamlink.models.io.ModelFormatProvider;

/**
 * The recommendation family's model formats: {@code als-model}, an {@link AlsModel} with its
 * columns; {@code neighbourhood-model}, a {@link NeighbourhoodModel} (ItemCF, UserCF, Swing). Found
 * by {@link org.beamlink.models.io.ModelFormats} through {@code META-INF/services}.
 *
 * <pre>{@code
 * List<ModelFormat<?>> formats = new RecommendationFormats().formats();
 * }</pre>
 */
public final class RecommendationFormats implements ModelFormatProvider {
  @Override
  public List<ModelFormat<?>> formats() {
    return List.of(
        ModelFormat.of("als-model", AlsModel.class, AlsModelCoder.of(), AlsModel::parameters),
        ModelFormat.of(
            "neighbourhood-model",
            NeighbourhoodModel.class,
            NeighbourhoodModelCoder.of(),
            NeighbourhoodModel::parameters));
  }
}
