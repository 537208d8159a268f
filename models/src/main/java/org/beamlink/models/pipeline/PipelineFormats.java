package org.beamlink.models.pipeline;

import java.util.List;
import org.beamlink.models.io.ModelFormat;
import org.beamlink.models.io.ModelFormatProvider;

/**
 * The format of a {@link PipelineModel} ({@code pipeline-model}), found by {@link
 * org.beamlink.models.io.ModelFormats} through {@code META-INF/services}.
 *
 * <pre>{@code
 * List<ModelFormat<?>> formats = new PipelineFormats().formats();
 * }</pre>
 */
public final class PipelineFormats implements ModelFormatProvider {
  @Override
  public List<ModelFormat<?>> formats() {
    return List.of(
        ModelFormat.of(
            "pipeline-model",
            PipelineModel.class,
            PipelineModelCoder.of(),
            PipelineModel::parameters));
  }
}
