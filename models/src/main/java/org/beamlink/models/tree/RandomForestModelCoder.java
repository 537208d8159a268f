package org.beamlink.models.tree;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Deterministic, versioned coder for {@link RandomForestModel}s (the body of format {@code
 * random-forest-model}): the head every {@link TreeModelCoder} writes, with as its trees the number
 * of trees and each tree ({@link DecisionTree#writeTo}).
 *
 * <pre>{@code
 * models.setCoder(RandomForestModelCoder.of(TypeName.STRING));
 * TypeName predicted = RandomForestModelCoder.labelTypeOf(models); // STRING
 * }</pre>
 */
public final class RandomForestModelCoder extends TreeModelCoder<RandomForestModel> {
  private static final long serialVersionUID = 1L;

  private RandomForestModelCoder(@Nullable TypeName labelType) {
    super(labelType);
  }

  /** A coder for classifiers of labels of {@code labelType}, or for regression when null. */
  public static RandomForestModelCoder of(@Nullable TypeName labelType) {
    return new RandomForestModelCoder(labelType);
  }

  @Override
  protected String modelName() {
    return "random forest model";
  }

  @Override
  protected int maxLabels() {
    return Integer.MAX_VALUE;
  }

  @Override
  protected void writeTrees(RandomForestModel model, DataOutputStream data) throws IOException {
    data.writeInt(model.trees().size());
    for (DecisionTree tree : model.trees()) {
      tree.writeTo(data);
    }
  }

  @Override
  protected RandomForestModel readModel(Head head, DataInputStream data) throws IOException {
    int numTrees = data.readInt();
    if (numTrees < 1) {
      throw new CoderException("Corrupt random forest model: " + numTrees + " trees");
    }
    List<DecisionTree> trees = new ArrayList<>();
    for (int t = 0; t < numTrees; t++) {
      trees.add(DecisionTree.readFrom(data));
    }
    RandomForestModel model =
        head.labelType() == null
            ? RandomForestModel.regression(
                trees, head.numFeatures(), head.readFeatures(), head.readProvenance())
            : RandomForestModel.classifier(
                trees,
                head.numFeatures(),
                head.labels(),
                head.labelType(),
                head.readFeatures(),
                head.readProvenance());
    return model.withOutputCols(head.outputCols());
  }
}
