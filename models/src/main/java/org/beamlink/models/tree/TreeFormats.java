package org.beamlink.models.tree;

import java.util.List;
import org.beamlink.models.io.ModelFormat;
import org.beamlink.models.io.ModelFormatProvider;

/**
 * The tree family's model formats: a {@link DecisionTreeModel} ({@code decision-tree-model}), a
 * classifier or a regression tree with its output columns, a {@link GbtModel} ({@code gbt-model}),
 * gradient-boosted trees for regression or binary classification, and a {@link RandomForestModel}
 * ({@code random-forest-model}), a classification or regression forest. Found by {@link
 * org.beamlink.models.io.ModelFormats} through {@code META-INF/services}.
 *
 * <pre>{@code
 * List<ModelFormat<?>> formats = new TreeFormats().formats();
 * }</pre>
 */
public final class TreeFormats implements ModelFormatProvider {
  @Override
  public List<ModelFormat<?>> formats() {
    return List.of(
        ModelFormat.of(
            "decision-tree-model",
            DecisionTreeModel.class,
            DecisionTreeModelCoder.of(null),
            DecisionTreeModel::parameters),
        ModelFormat.of("gbt-model", GbtModel.class, GbtModelCoder.of(null), GbtModel::parameters),
        ModelFormat.of(
            "random-forest-model",
            RandomForestModel.class,
            RandomForestModelCoder.of(null),
            RandomForestModel::parameters));
  }
}
