package org.beamlink.models.tree;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.PCollection;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.rows.FeatureColumnsCoding;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Deterministic, versioned coder for {@link DecisionTreeModel}s (the body of format {@code
 * decision-tree-model}): version 1, the output columns, the label type and labels (none for
 * regression), the number of features, the tree ({@link DecisionTree#writeTo}), the feature columns
 * and the provenance. The coder also records, when the pipeline is built, the label type the models
 * in its PCollection predict (null for regression), so that prediction knows its output schema
 * before any model exists.
 *
 * <pre>{@code
 * models.setCoder(DecisionTreeModelCoder.of(TypeName.STRING));
 * TypeName predicted = DecisionTreeModelCoder.labelTypeOf(models); // STRING
 * }</pre>
 */
public final class DecisionTreeModelCoder extends CustomCoder<DecisionTreeModel> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  private final @Nullable TypeName labelType;

  private DecisionTreeModelCoder(@Nullable TypeName labelType) {
    this.labelType = labelType;
  }

  /** A coder for classifiers of labels of {@code labelType}, or for regression trees when null. */
  public static DecisionTreeModelCoder of(@Nullable TypeName labelType) {
    return new DecisionTreeModelCoder(labelType);
  }

  /**
   * The label type recorded in the coder of {@code models}, null for regression trees.
   *
   * @throws IllegalArgumentException when the coder is not a {@code DecisionTreeModelCoder}
   */
  public static @Nullable TypeName labelTypeOf(PCollection<DecisionTreeModel> models) {
    if (models.getCoder() instanceof DecisionTreeModelCoder c) {
      return c.labelType;
    }
    throw new IllegalArgumentException(
        "Cannot tell what "
            + models
            + " predicts: set its coder to DecisionTreeModelCoder.of(labelType), as fit() does");
  }

  @Override
  public void encode(DecisionTreeModel value, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeByte(VERSION);
    List<String> cols = value.outputCols().names();
    data.writeInt(cols.size());
    for (String col : cols) {
      data.writeUTF(col);
    }
    data.writeUTF(value.labelType() == null ? "" : value.labelType().name());
    data.writeInt(value.labelValues().size());
    for (String label : value.labelValues()) {
      data.writeUTF(label);
    }
    data.writeInt(value.numFeatures());
    data.flush();
    value.tree().writeTo(out);
    FeatureColumnsCoding.write(value.features(), out);
    value.provenance().writeTo(out);
  }

  @Override
  public DecisionTreeModel decode(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, "decision tree model");
    DataInputStream data = new DataInputStream(in);
    int numCols = data.readInt();
    if (numCols < 1 || numCols > 2) {
      throw new CoderException("Corrupt decision tree model: " + numCols + " output columns");
    }
    String[] cols = new String[numCols];
    for (int i = 0; i < numCols; i++) {
      cols[i] = data.readUTF();
    }
    String typeName = data.readUTF();
    TypeName type;
    try {
      type = typeName.isEmpty() ? null : TypeName.valueOf(typeName);
    } catch (IllegalArgumentException e) {
      throw new CoderException("Unknown label type '" + typeName + "' in decision tree model", e);
    }
    int numLabels = data.readInt();
    if (numLabels < 0) {
      throw new CoderException("Corrupt decision tree model: " + numLabels + " labels");
    }
    List<String> labels = new ArrayList<>(numLabels);
    for (int i = 0; i < numLabels; i++) {
      labels.add(data.readUTF());
    }
    int numFeatures = data.readInt();
    DecisionTree tree = DecisionTree.readFrom(in);
    try {
      DecisionTreeModel model =
          type == null
              ? DecisionTreeModel.regression(
                  tree, numFeatures, FeatureColumnsCoding.read(in), Provenance.readFrom(in))
              : DecisionTreeModel.classifier(
                  tree,
                  numFeatures,
                  labels,
                  type,
                  FeatureColumnsCoding.read(in),
                  Provenance.readFrom(in));
      return model.withOutputCols(cols);
    } catch (IllegalArgumentException e) {
      throw new CoderException("Corrupt decision tree model: " + e.getMessage(), e);
    }
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(Object o) {
    return o instanceof DecisionTreeModelCoder c && labelType == c.labelType;
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(labelType);
  }
}
