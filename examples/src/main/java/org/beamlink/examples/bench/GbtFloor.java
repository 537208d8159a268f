package org.beamlink.examples.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;

/**
 * The floor {@code bench gbt} is measured against: binary logistic gradient boosting as a plain
 * single-threaded Java loop over {@link LogisticData}'s training rows in one array, on the same
 * kind of histogram trees as {@code GbtClassifier} (a bin per value up to {@code maxBins}, the gain
 * {@code G_l^2 / H_l + G_r^2 / H_r - G^2 / H}, a hessian of at least 1e-3 on each side, leaf value
 * {@code -learningRate G / H}, no L2). Bins are the quantiles of the first {@code max(maxBins^2,
 * 10000)} training rows, kept per column as bytes; each row keeps the node it is in, so a level
 * reads every row once; no histogram subtraction.
 *
 * <pre>{@code
 * GbtFloor.Result r = GbtFloor.run(new LogisticData(1_000_000, 50, 0, 7), 20, 5, 0.1, 255);
 * }</pre>
 */
final class GbtFloor {
  private static final double MIN_HESSIAN = 1e-3;

  private GbtFloor() {}

  /** Seconds to generate, to bin and to train; the held-out accuracy. */
  record Result(double generateSeconds, double binSeconds, double trainSeconds, double accuracy) {}

  static Result run(LogisticData data, int rounds, int maxDepth, double learningRate, int maxBins) {
    if (maxBins > 256) {
      throw new IllegalArgumentException(
          "The floor keeps bins as bytes: at most 256, got " + maxBins);
    }
    int d = data.dims;
    long t0 = System.nanoTime();
    int n = 0;
    for (long i = 0; i < data.rows; i++) {
      n += LogisticData.heldOut(i) ? 0 : 1;
    }
    double[] x = new double[n * d];
    double[] y = new double[n];
    int at = 0;
    for (long i = 0; i < data.rows; i++) {
      if (!LogisticData.heldOut(i)) {
        Row row = data.row(i);
        double[] v = row.getLogicalTypeValue("features", Vector.class).toArray();
        System.arraycopy(v, 0, x, at * d, d);
        y[at++] = row.getDouble("label");
      }
    }
    long t1 = System.nanoTime();
    double[][] edges = edges(x, n, d, maxBins);
    byte[][] bins = new byte[d][n];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < n; i++) {
        bins[j][i] = (byte) bin(edges[j], x[i * d + j]);
      }
    }
    long t2 = System.nanoTime();
    Model model = train(bins, y, edges, rounds, maxDepth, learningRate);
    long t3 = System.nanoTime();
    long right = 0;
    long all = 0;
    for (long i = 9; i < data.rows; i += 10) {
      Row row = data.row(i);
      double[] v = row.getLogicalTypeValue("features", Vector.class).toArray();
      double predicted = model.score(v) > 0 ? 1.0 : 0.0;
      right += predicted == row.getDouble("label") ? 1 : 0;
      all++;
    }
    return new Result((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (double) right / all);
  }

  /** Up to {@code maxBins - 1} edges per feature at the quantiles of the first rows. */
  private static double[][] edges(double[] x, int n, int d, int maxBins) {
    int m = Math.min(n, Math.max(maxBins * maxBins, 10_000));
    double[][] edges = new double[d][];
    double[] column = new double[m];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < m; i++) {
        column[i] = x[i * d + j];
      }
      Arrays.sort(column);
      double[] e = new double[maxBins - 1];
      int k = 0;
      for (int q = 1; q < maxBins; q++) {
        int a = (int) ((long) q * m / maxBins);
        double edge = (column[a - 1] + column[a]) / 2;
        if (k == 0 || edge > e[k - 1]) {
          e[k++] = edge;
        }
      }
      edges[j] = Arrays.copyOf(e, k);
    }
    return edges;
  }

  private static int bin(double[] edges, double v) {
    int at = Arrays.binarySearch(edges, v);
    return at >= 0 ? at : -at - 1;
  }

  /** Trees over raw values: per node a feature, threshold, children and value. */
  private static final class Model {
    final double base;
    final List<double[]> trees = new ArrayList<>();

    Model(double base) {
      this.base = base;
    }

    double score(double[] v) {
      double s = base;
      for (double[] t : trees) {
        int node = 0;
        while (t[node * 5 + 2] >= 0) {
          int f = (int) t[node * 5];
          node = (int) (v[f] <= t[node * 5 + 1] ? t[node * 5 + 2] : t[node * 5 + 3]);
        }
        s += t[node * 5 + 4];
      }
      return s;
    }
  }

  private static Model train(
      byte[][] bins, double[] y, double[][] edges, int rounds, int maxDepth, double lr) {
    int d = bins.length;
    int n = y.length;
    double mean = 0;
    for (double v : y) {
      mean += v;
    }
    mean /= n;
    Model model = new Model(Math.log(mean / (1 - mean)));
    double[] score = new double[n];
    Arrays.fill(score, model.base);
    double[] g = new double[n];
    double[] h = new double[n];
    int[] nodeOf = new int[n];
    int maxNodes = (1 << (maxDepth + 1)) - 1;
    int[] offset = new int[d + 1];
    for (int j = 0; j < d; j++) {
      offset[j + 1] = offset[j] + edges[j].length + 1;
    }
    int cells = offset[d];
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < n; i++) {
        double p = 1 / (1 + Math.exp(-score[i]));
        g[i] = p - y[i];
        h[i] = p * (1 - p);
      }
      Arrays.fill(nodeOf, 0);
      int[] feature = new int[maxNodes];
      int[] splitBin = new int[maxNodes];
      int[] left = new int[maxNodes];
      int[] right = new int[maxNodes];
      double[] value = new double[maxNodes];
      double[] nodeG = new double[maxNodes];
      double[] nodeH = new double[maxNodes];
      Arrays.fill(left, -1);
      int numNodes = 1;
      for (int i = 0; i < n; i++) {
        nodeG[0] += g[i];
        nodeH[0] += h[i];
      }
      value[0] = -lr * nodeG[0] / nodeH[0];
      int[] frontier = {0};
      for (int level = 0; level < maxDepth && frontier.length > 0; level++) {
        int[] slot = new int[maxNodes];
        Arrays.fill(slot, -1);
        for (int s = 0; s < frontier.length; s++) {
          slot[frontier[s]] = s;
        }
        double[] hist = new double[frontier.length * cells * 2];
        for (int j = 0; j < d; j++) {
          byte[] col = bins[j];
          int base = offset[j] * 2;
          for (int i = 0; i < n; i++) {
            int s = slot[nodeOf[i]];
            if (s >= 0) {
              int c = s * cells * 2 + base + (col[i] & 0xFF) * 2;
              hist[c] += g[i];
              hist[c + 1] += h[i];
            }
          }
        }
        int[] next = new int[2 * frontier.length];
        int numNext = 0;
        for (int s = 0; s < frontier.length; s++) {
          int node = frontier[s];
          double gt = nodeG[node];
          double ht = nodeH[node];
          double parent = gt * gt / ht;
          double best = 0;
          int bestJ = -1;
          int bestB = -1;
          double bestGl = 0;
          double bestHl = 0;
          for (int j = 0; j < d; j++) {
            double gl = 0;
            double hl = 0;
            int c = s * cells * 2 + offset[j] * 2;
            for (int b = 0; b < edges[j].length; b++) {
              gl += hist[c + 2 * b];
              hl += hist[c + 2 * b + 1];
              double hr = ht - hl;
              if (hl < MIN_HESSIAN || hr < MIN_HESSIAN) {
                continue;
              }
              double gr = gt - gl;
              double gain = gl * gl / hl + gr * gr / hr - parent;
              if (gain > best) {
                best = gain;
                bestJ = j;
                bestB = b;
                bestGl = gl;
                bestHl = hl;
              }
            }
          }
          if (bestJ < 0) {
            continue;
          }
          int l = numNodes++;
          int r = numNodes++;
          feature[node] = bestJ;
          splitBin[node] = bestB;
          left[node] = l;
          right[node] = r;
          left[l] = -1;
          left[r] = -1;
          nodeG[l] = bestGl;
          nodeH[l] = bestHl;
          nodeG[r] = gt - bestGl;
          nodeH[r] = ht - bestHl;
          value[l] = -lr * nodeG[l] / nodeH[l];
          value[r] = -lr * nodeG[r] / nodeH[r];
          next[numNext++] = l;
          next[numNext++] = r;
        }
        for (int i = 0; i < n; i++) {
          int node = nodeOf[i];
          if (left[node] >= 0) {
            nodeOf[i] =
                (bins[feature[node]][i] & 0xFF) <= splitBin[node] ? left[node] : right[node];
          }
        }
        frontier = Arrays.copyOf(next, numNext);
      }
      for (int i = 0; i < n; i++) {
        score[i] += value[nodeOf[i]];
      }
      double[] tree = new double[numNodes * 5];
      for (int k = 0; k < numNodes; k++) {
        tree[k * 5] = feature[k];
        tree[k * 5 + 1] = left[k] >= 0 ? edges[feature[k]][splitBin[k]] : 0;
        tree[k * 5 + 2] = left[k];
        tree[k * 5 + 3] = right[k];
        tree[k * 5 + 4] = value[k];
      }
      model.trees.add(tree);
    }
    return model;
  }
}
