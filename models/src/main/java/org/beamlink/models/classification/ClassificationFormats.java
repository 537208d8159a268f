package org.beamlink.models.classification;

import java.util.List;
import org.beamlink.models.io.ModelFormat;
import org.beamlink.models.io.ModelFormatProvider;

/**
 * The classification family's model formats ({@code naive-bayes-model}), found by {@link
 * org.beamlink.models.io.ModelFormats} through {@code META-INF/services}. The linear classifiers'
 * formats are the linear family's.
 *
 * <pre>{@code
 * List<ModelFormat<?>> formats = new ClassificationFormats().formats();
 * }</pre>
 */
public final class ClassificationFormats implements ModelFormatProvider {
  @Override
  public List<ModelFormat<?>> formats() {
    return List.of(
        ModelFormat.of(
            "naive-bayes-model",
            NaiveBayesModel.class,
            NaiveBayesModel.Coder.of(),
            NaiveBayesModel::parameters));
  }
}
