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
 * Deterministic, versioned coder for {@link GbtModel}s (the body of format {@code gbt-model}): the
 * head every {@link TreeModelCoder} writes, with as its trees the base score, the number of trees
 * and each tree ({@link DecisionTree#writeTo}).
 *
 * <pre>{@code
 * models.setCoder(GbtModelCoder.of(null));
 * TypeName predicted = GbtModelCoder.labelTypeOf(models); // null: regression
 * }</pre>
 */
public final class GbtModelCoder extends TreeModelCoder<GbtModel> {
  private static final long serialVersionUID = 1L;

  private GbtModelCoder(@Nullable TypeName labelType) {
    super(labelType);
  }

  /** A coder for classifiers of labels of {@code labelType}, or for regression when null. */
  public static GbtModelCoder of(@Nullable TypeName labelType) {
    return new GbtModelCoder(labelType);
  }

  @Override
  protected String modelName() {
    return "gbt model";
  }

  @Override
  protected int maxLabels() {
    return 2;
  }

  @Override
  protected void writeTrees(GbtModel model, DataOutputStream data) throws IOException {
    data.writeDouble(model.baseScore());
    data.writeInt(model.trees().size());
    for (DecisionTree tree : model.trees()) {
      tree.writeTo(data);
    }
  }

  @Override
  protected GbtModel readModel(Head head, DataInputStream data) throws IOException {
    double baseScore = data.readDouble();
    int numTrees = data.readInt();
    if (numTrees < 0) {
      throw new CoderException("Corrupt gbt model: " + numTrees + " trees");
    }
    List<DecisionTree> trees = new ArrayList<>();
    for (int t = 0; t < numTrees; t++) {
      trees.add(DecisionTree.readFrom(data));
    }
    GbtModel model =
        head.labelType() == null
            ? GbtModel.regression(
                trees, baseScore, head.numFeatures(), head.readFeatures(), head.readProvenance())
            : GbtModel.classifier(
                trees,
                baseScore,
                head.numFeatures(),
                head.labels(),
                head.labelType(),
                head.readFeatures(),
                head.readProvenance());
    return model.withOutputCols(head.outputCols());
  }
}
