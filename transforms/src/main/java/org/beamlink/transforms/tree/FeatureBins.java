package org.beamlink.transforms.tree;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The bins of each numeric feature, fixed once before training: feature {@code j} has {@code
 * edges[j].length + 1} bins, a value {@code x} falling in the first bin {@code b} with {@code x <=
 * edges[j][b]} (the last bin when none). When a feature has at most {@code maxBins} distinct values
 * every distinct value has its own bin ({@code exact}), its value is kept, and the edges are the
 * midpoints between adjacent values, as scikit-learn's exact CART thresholds; otherwise the edges
 * are quantiles. Encoded as one {@code double[]} to travel as broadcast data.
 */
final class FeatureBins implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[][] edges;
  private final double[][] values;
  private final int[] offsets;
  private final int totalBins;

  FeatureBins(double[][] edges, double[][] values) {
    this.edges = edges;
    this.values = values;
    this.offsets = new int[edges.length];
    int total = 0;
    for (int j = 0; j < edges.length; j++) {
      offsets[j] = total;
      total += edges[j].length + 1;
    }
    this.totalBins = total;
  }

  /**
   * Where each feature's bins start when every feature's bins are laid end to end, as in a
   * histogram: feature {@code j}'s bin {@code b} is at {@code offsets()[j] + b}. Not a copy.
   */
  int[] offsets() {
    return offsets;
  }

  /** The number of bins of all features together. */
  int totalBins() {
    return totalBins;
  }

  /** The number of features. */
  int numFeatures() {
    return edges.length;
  }

  /** The number of bins of feature {@code j}. */
  int numBins(int j) {
    return edges[j].length + 1;
  }

  /** The bin of value {@code x} of feature {@code j}. */
  int bin(int j, double x) {
    int at = Arrays.binarySearch(edges[j], x);
    return at >= 0 ? at : -at - 1;
  }

  /**
   * The threshold of a split between bin {@code lastLeft} and bin {@code firstRight} of feature
   * {@code j}, the bins between them empty: the midpoint of their values when every distinct value
   * has its bin, else the upper edge of {@code lastLeft}.
   */
  double threshold(int j, int lastLeft, int firstRight) {
    if (values[j] != null) {
      return (values[j][lastLeft] + values[j][firstRight]) / 2.0;
    }
    return edges[j][lastLeft];
  }

  /** The bins as one array: the number of features, then per feature its edges and values. */
  double[] encode() {
    int size = 1;
    for (int j = 0; j < edges.length; j++) {
      size += 2 + edges[j].length + (values[j] == null ? 0 : values[j].length);
    }
    double[] out = new double[size];
    out[0] = edges.length;
    int at = 1;
    for (int j = 0; j < edges.length; j++) {
      out[at++] = edges[j].length;
      out[at++] = values[j] == null ? 0 : 1;
      System.arraycopy(edges[j], 0, out, at, edges[j].length);
      at += edges[j].length;
      if (values[j] != null) {
        System.arraycopy(values[j], 0, out, at, values[j].length);
        at += values[j].length;
      }
    }
    return out;
  }

  /** The bins {@link #encode} wrote. */
  static FeatureBins decode(double[] in) {
    int d = (int) in[0];
    double[][] edges = new double[d][];
    double[][] values = new double[d][];
    int at = 1;
    for (int j = 0; j < d; j++) {
      int m = (int) in[at++];
      boolean exact = in[at++] == 1;
      edges[j] = Arrays.copyOfRange(in, at, at + m);
      at += m;
      if (exact) {
        values[j] = Arrays.copyOfRange(in, at, at + m + 1);
        at += m + 1;
      }
    }
    return new FeatureBins(edges, values);
  }
}
