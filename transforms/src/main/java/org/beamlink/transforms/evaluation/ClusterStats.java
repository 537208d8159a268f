package org.beamlink.transforms.evaluation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;
import org.beamlink.models.linalg.DoubleArrayCoder;

/**
 * What the first pass learns: the clusters in label order, their sizes and means, the inertia and
 * the Calinski-Harabasz index; {@code rows == 0} for empty input.
 */
final class ClusterStats implements Serializable {
  private static final long serialVersionUID = 1L;

  final long rows;
  final List<String> clusters;
  final long[] sizes;
  final double[][] means;
  final double inertia;
  final double calinskiHarabasz;

  ClusterStats(
      long rows,
      List<String> clusters,
      long[] sizes,
      double[][] means,
      double inertia,
      double calinskiHarabasz) {
    this.rows = rows;
    this.clusters = clusters;
    this.sizes = sizes;
    this.means = means;
    this.inertia = inertia;
    this.calinskiHarabasz = calinskiHarabasz;
  }

  int indexOf(String cluster) {
    return clusters.indexOf(cluster);
  }

  /** Coder of {@link ClusterStats}. */
  static final class Coder extends CustomCoder<ClusterStats> {
    @Override
    public void encode(ClusterStats value, OutputStream out) throws IOException {
      VarInt.encode(value.rows, out);
      VarInt.encode(value.clusters.size(), out);
      for (int c = 0; c < value.clusters.size(); c++) {
        StringUtf8Coder.of().encode(value.clusters.get(c), out);
        VarInt.encode(value.sizes[c], out);
        DoubleArrayCoder.of().encode(value.means[c], out);
      }
      DoubleCoder.of().encode(value.inertia, out);
      DoubleCoder.of().encode(value.calinskiHarabasz, out);
    }

    @Override
    public ClusterStats decode(InputStream in) throws IOException {
      long rows = VarInt.decodeLong(in);
      int k = VarInt.decodeInt(in);
      List<String> clusters = new ArrayList<>(k);
      long[] sizes = new long[k];
      double[][] means = new double[k][];
      for (int c = 0; c < k; c++) {
        clusters.add(StringUtf8Coder.of().decode(in));
        sizes[c] = VarInt.decodeLong(in);
        means[c] = DoubleArrayCoder.of().decode(in);
      }
      double inertia = DoubleCoder.of().decode(in);
      double ch = DoubleCoder.of().decode(in);
      return new ClusterStats(rows, List.copyOf(clusters), sizes, means, inertia, ch);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
