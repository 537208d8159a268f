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
 * Deterministic, versioned coder for {@link GbtModel}s (the body of format {@code gbt-model}):
 * version 1, the output columns, the label type and labels (none for regression), the number of
 * features, the base score, the number of trees and each tree ({@link DecisionTree#writeTo}), the
 * feature columns and the provenance. As {@link DecisionTreeModelCoder}, it records when the
 * pipeline is built the label type its models predict (null for regression).
 *
 * <pre>{@code
 * models.setCoder(GbtModelCoder.of(null));
 * TypeName predicted = GbtModelCoder.labelTypeOf(models); // null: regression
 * }</pre>
 */
public final class GbtModelCoder extends CustomCoder<GbtModel> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  private final @Nullable TypeName labelType;

  private GbtModelCoder(@Nullable TypeName labelType) {
    this.labelType = labelType;
  }

  /** A coder for classifiers of labels of {@code labelType}, or for regression when null. */
  public static GbtModelCoder of(@Nullable TypeName labelType) {
    return new GbtModelCoder(labelType);
  }

  /**
   * The label type recorded in the coder of {@code models}, null for regression.
   *
   * @throws IllegalArgumentException when the coder is not a {@code GbtModelCoder}
   */
  public static @Nullable TypeName labelTypeOf(PCollection<GbtModel> models) {
    if (models.getCoder() instanceof GbtModelCoder c) {
      return c.labelType;
    }
    throw new IllegalArgumentException(
        "Cannot tell what "
            + models
            + " predicts: set its coder to GbtModelCoder.of(labelType), as fit() does");
  }

  @Override
  public void encode(GbtModel value, OutputStream out) throws IOException {
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
    data.writeDouble(value.baseScore());
    data.writeInt(value.trees().size());
    data.flush();
    for (DecisionTree tree : value.trees()) {
      tree.writeTo(out);
    }
    FeatureColumnsCoding.write(value.features(), out);
    value.provenance().writeTo(out);
  }

  @Override
  public GbtModel decode(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, "gbt model");
    DataInputStream data = new DataInputStream(in);
    int numCols = data.readInt();
    if (numCols < 1 || numCols > 2) {
      throw new CoderException("Corrupt gbt model: " + numCols + " output columns");
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
      throw new CoderException("Unknown label type '" + typeName + "' in gbt model", e);
    }
    int numLabels = data.readInt();
    if (numLabels < 0 || numLabels > 2) {
      throw new CoderException("Corrupt gbt model: " + numLabels + " labels");
    }
    List<String> labels = new ArrayList<>(numLabels);
    for (int i = 0; i < numLabels; i++) {
      labels.add(data.readUTF());
    }
    int numFeatures = data.readInt();
    double baseScore = data.readDouble();
    int numTrees = data.readInt();
    if (numTrees < 0) {
      throw new CoderException("Corrupt gbt model: " + numTrees + " trees");
    }
    List<DecisionTree> trees = new ArrayList<>();
    for (int t = 0; t < numTrees; t++) {
      trees.add(DecisionTree.readFrom(in));
    }
    try {
      GbtModel model =
          type == null
              ? GbtModel.regression(
                  trees,
                  baseScore,
                  numFeatures,
                  FeatureColumnsCoding.read(in),
                  Provenance.readFrom(in))
              : GbtModel.classifier(
                  trees,
                  baseScore,
                  numFeatures,
                  labels,
                  type,
                  FeatureColumnsCoding.read(in),
                  Provenance.readFrom(in));
      return model.withOutputCols(cols);
    } catch (IllegalArgumentException e) {
      throw new CoderException("Corrupt gbt model: " + e.getMessage(), e);
    }
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(Object o) {
    return o instanceof GbtModelCoder c && labelType == c.labelType;
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(labelType);
  }
}
