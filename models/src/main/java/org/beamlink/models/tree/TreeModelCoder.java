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
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.FeatureColumnsCoding;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The layout every tree model's coder shares: version 1, the output columns, the label type and
 * labels (none for regression), the number of features, then the model's own trees ({@link
 * #writeTrees}), then the feature columns and the provenance. The coder also records, when the
 * pipeline is built, the label type the models in its PCollection predict (null for regression), so
 * that prediction knows its output schema before any model exists. A subclass writes and reads its
 * trees and builds its model.
 *
 * <pre>{@code
 * models.setCoder(DecisionTreeModelCoder.of(TypeName.STRING));
 * TypeName predicted = TreeModelCoder.labelTypeOf(models); // STRING
 * }</pre>
 *
 * @param <M> the model
 */
public abstract class TreeModelCoder<M extends TreeModel> extends CustomCoder<M> {
  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  private final @Nullable TypeName labelType;

  /** A coder of models predicting labels of {@code labelType}, or of regression when null. */
  protected TreeModelCoder(@Nullable TypeName labelType) {
    this.labelType = labelType;
  }

  /** What the model is called in errors, e.g. "gbt model". */
  protected abstract String modelName();

  /** The most labels a model holds. */
  protected abstract int maxLabels();

  /** Writes the model's trees, after the shared head and before the feature columns. */
  protected abstract void writeTrees(M model, DataOutputStream data) throws IOException;

  /**
   * Reads what {@link #writeTrees} wrote and builds the model from it and {@code head}.
   *
   * @throws IllegalArgumentException when the parts do not make a model
   */
  protected abstract M readModel(Head head, DataInputStream data) throws IOException;

  /** What every tree model starts with, and the feature columns and provenance it ends with. */
  protected record Head(
      String[] outputCols,
      @Nullable TypeName labelType,
      List<String> labels,
      int numFeatures,
      InputStream in) {
    /** Reads the feature columns, which follow the trees. */
    public FeatureColumns readFeatures() throws IOException {
      return FeatureColumnsCoding.read(in);
    }

    /** Reads the provenance, which follows the feature columns. */
    public Provenance readProvenance() throws IOException {
      return Provenance.readFrom(in);
    }
  }

  /**
   * The label type recorded in the coder of {@code models}, null for regression.
   *
   * @throws IllegalArgumentException when the coder is not a {@code TreeModelCoder}
   */
  public static @Nullable TypeName labelTypeOf(PCollection<? extends TreeModel> models) {
    if (models.getCoder() instanceof TreeModelCoder<?> c) {
      return c.labelType;
    }
    throw new IllegalArgumentException(
        "Cannot tell what "
            + models
            + " predicts: set its coder to a tree model coder of the label type, as fit() does");
  }

  @Override
  public final void encode(M value, OutputStream out) throws IOException {
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
    writeTrees(value, data);
    data.flush();
    FeatureColumnsCoding.write(value.features(), out);
    value.provenance().writeTo(out);
  }

  @Override
  public final M decode(InputStream in) throws IOException {
    ArrayEncoding.readVersion(in, VERSION, modelName());
    DataInputStream data = new DataInputStream(in);
    int numCols = data.readInt();
    if (numCols < 1 || numCols > 2) {
      throw new CoderException("Corrupt " + modelName() + ": " + numCols + " output columns");
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
      throw new CoderException("Unknown label type '" + typeName + "' in " + modelName(), e);
    }
    int numLabels = data.readInt();
    if (numLabels < 0 || numLabels > maxLabels()) {
      throw new CoderException("Corrupt " + modelName() + ": " + numLabels + " labels");
    }
    List<String> labels = new ArrayList<>(numLabels);
    for (int i = 0; i < numLabels; i++) {
      labels.add(data.readUTF());
    }
    int numFeatures = data.readInt();
    try {
      return readModel(new Head(cols, type, labels, numFeatures, in), data);
    } catch (IllegalArgumentException e) {
      throw new CoderException("Corrupt " + modelName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(Object o) {
    return o != null
        && o.getClass() == getClass()
        && labelType == ((TreeModelCoder<?>) o).labelType;
  }

  @Override
  public int hashCode() {
    return Objects.hash(getClass(), labelType);
  }
}
