package org.beamlink.models.linear;

import java.util.List;
import org.beamlink.models.io.ModelFormat;
import org.beamlink.models.io.ModelFormatProvider;

/**
 * The linear family's model formats: a {@link LinearModel} without output columns ({@code
 * linear-model}, as {@code fit()} and FTRL make it) and with them ({@code linear-model-stage}, as a
 * pipeline stage). Found by {@link org.beamlink.models.io.ModelFormats} through {@code
 * META-INF/services}.
 *
 * <pre>{@code
 * List<ModelFormat<?>> formats = new LinearFormats().formats();
 * }</pre>
 */
public final class LinearFormats implements ModelFormatProvider {
  @Override
  public List<ModelFormat<?>> formats() {
    return List.of(
        ModelFormat.of(
                "linear-model",
                LinearModel.class,
                LinearModelCoder.of(null),
                m -> m.provenance().parameters())
            .writtenWhen(m -> !m.hasOutputCols()),
        ModelFormat.of(
                "linear-model-stage",
                LinearModel.class,
                LinearModelCoder.withOutputCols(),
                LinearModel::parameters)
            .writtenWhen(LinearModel::hasOutputCols));
  }
}
