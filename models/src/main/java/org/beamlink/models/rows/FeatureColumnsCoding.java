package org.beamlink.models.rows;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads {@link FeatureColumns} inside model coders.
 *
 * <pre>{@code
 * FeatureColumnsCoding.write(model.features(), out);
 * FeatureColumns back = FeatureColumnsCoding.read(in);
 * }</pre>
 */
public final class FeatureColumnsCoding {
  private FeatureColumnsCoding() {}

  /** Writes {@code features}. */
  public static void write(FeatureColumns features, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    if (features.vectorCol() != null) {
      data.writeBoolean(true);
      data.writeUTF(features.vectorCol());
    } else {
      data.writeBoolean(false);
      data.writeInt(features.featureCols().size());
      for (String c : features.featureCols()) {
        data.writeUTF(c);
      }
    }
    data.flush();
  }

  /** Reads what {@link #write} wrote. */
  public static FeatureColumns read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    if (data.readBoolean()) {
      return FeatureColumns.ofVector(data.readUTF());
    }
    int n = data.readInt();
    List<String> cols = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      cols.add(data.readUTF());
    }
    return FeatureColumns.of(cols);
  }
}
