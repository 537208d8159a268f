package org.beamlink.models.tree;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Deterministic, versioned coder for {@link DecisionTreeModel}s (the body of format {@code
 * decision-tree-model}): the head every {@link TreeModelCoder} writes, with the tree ({@link
 * DecisionTree#writeTo}) as its trees.
 *
 * <pre>{@code
 * models.setCoder(DecisionTreeModelCoder.of(TypeName.STRING));
 * TypeName predicted = DecisionTreeModelCoder.labelTypeOf(models); // STRING
 * }</pre>
 */
public final class DecisionTreeModelCoder extends TreeModelCoder<DecisionTreeModel> {
  private static final long serialVersionUID = 1L;

  private DecisionTreeModelCoder(@Nullable TypeName labelType) {
    super(labelType);
  }

  /** A coder for classifiers of labels of {@code labelType}, or for regression trees when null. */
  public static DecisionTreeModelCoder of(@Nullable TypeName labelType) {
    return new DecisionTreeModelCoder(labelType);
  }

  @Override
  protected String modelName() {
    return "decision tree model";
  }

  @Override
  protected int maxLabels() {
    return Integer.MAX_VALUE;
  }

  @Override
  protected void writeTrees(DecisionTreeModel model, DataOutputStream data) throws IOException {
    model.tree().writeTo(data);
  }

  @Override
  protected DecisionTreeModel readModel(Head head, DataInputStream data) throws IOException {
    DecisionTree tree = DecisionTree.readFrom(data);
    DecisionTreeModel model =
        head.labelType() == null
            ? DecisionTreeModel.regression(
                tree, head.numFeatures(), head.readFeatures(), head.readProvenance())
            : DecisionTreeModel.classifier(
                tree,
                head.numFeatures(),
                head.labels(),
                head.labelType(),
                head.readFeatures(),
                head.readProvenance());
    return model.withOutputCols(head.outputCols());
  }
}
