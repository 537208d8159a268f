package org.beamlink.transforms.tree;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.beamlink.models.linalg.Block;
import org.beamlink.models.linalg.DenseBlock;
import org.beamlink.models.tree.DecisionTree;

/**
 * A tree being grown level by level on the shim, the same on every partition since it changes only
 * from reduced sums: per node its split (feature, bin and threshold), children, depth, value
 * ({@code valueSize} numbers) and the gain of its split, and the frontier, the nodes whose rows the
 * next superstep gathers. Routes binned rows to the frontier slot of their histogram. Every tree
 * trainer grows its trees in one.
 */
final class GrowingTree implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int valueSize;
  int numNodes;
  int[] feature = new int[16];
  int[] splitBin = new int[16];
  double[] threshold = new double[16];
  int[] left = new int[16];
  int[] right = new int[16];
  int[] depth = new int[16];
  double[] gain = new double[16];
  double[] values;

  /** The nodes whose rows the next superstep gathers; before the root, the root to be. */
  int[] frontier = new int[0];

  GrowingTree(int valueSize) {
    this.valueSize = valueSize;
    this.values = new double[16 * valueSize];
  }

  /** The numbers of each node's value. */
  int valueSize() {
    return valueSize;
  }

  /** The room for nodes; arrays kept beside the tree's grow to it. */
  int capacity() {
    return feature.length;
  }

  /** A new leaf at {@code nodeDepth}, its value zero; its index. */
  int addNode(int nodeDepth) {
    if (numNodes == feature.length) {
      int n = 2 * numNodes;
      feature = Arrays.copyOf(feature, n);
      splitBin = Arrays.copyOf(splitBin, n);
      threshold = Arrays.copyOf(threshold, n);
      left = Arrays.copyOf(left, n);
      right = Arrays.copyOf(right, n);
      depth = Arrays.copyOf(depth, n);
      gain = Arrays.copyOf(gain, n);
      values = Arrays.copyOf(values, n * valueSize);
    }
    int i = numNodes++;
    feature[i] = -1;
    splitBin[i] = 0;
    threshold[i] = 0;
    left[i] = -1;
    right[i] = -1;
    depth[i] = nodeDepth;
    gain[i] = 0;
    Arrays.fill(values, i * valueSize, (i + 1) * valueSize, 0);
    return i;
  }

  /** Splits {@code node} on bin {@code bin} of {@code j} (threshold {@code t}) into two leaves. */
  void split(int node, int j, int bin, double t, int l, int r, double splitGain) {
    feature[node] = j;
    splitBin[node] = bin;
    threshold[node] = t;
    left[node] = l;
    right[node] = r;
    gain[node] = splitGain;
  }

  /** The slots of the next superstep's histogram: the frontier's nodes, or the root to be. */
  int width() {
    return numNodes == 0 ? 1 : frontier.length;
  }

  /**
   * The histogram slot of every node: its index in the frontier, -1 for a node not in it; before
   * the root exists, slot 0 for the root to be.
   */
  int[] slots() {
    int[] slot = new int[Math.max(1, numNodes)];
    Arrays.fill(slot, -1);
    if (numNodes == 0) {
      slot[0] = 0;
    } else {
      for (int s = 0; s < frontier.length; s++) {
        slot[frontier[s]] = s;
      }
    }
    return slot;
  }

  /** The histogram slot of binned row {@code i} of {@code b}, or -1 when it is in a final leaf. */
  int slot(DenseBlock b, int i, int[] slots) {
    return numNodes == 0 ? 0 : slots[leaf(b, i)];
  }

  /** The node binned row {@code i} of {@code b} reaches. */
  int leaf(DenseBlock b, int i) {
    int node = 0;
    while (left[node] >= 0) {
      node = b.get(i, feature[node]) <= splitBin[node] ? left[node] : right[node];
    }
    return node;
  }

  /** Every row of {@code blocks} at the root: a node id per row, block by block. */
  static List<int[]> atRoot(List<Block> blocks) {
    List<int[]> nodes = new ArrayList<>(blocks.size());
    for (Block b : blocks) {
      nodes.add(new int[b.numRows()]);
    }
    return nodes;
  }

  /**
   * Moves every row whose node ({@code nodes}, a node id per row of the binned {@code blocks}) was
   * split down to the child its bin goes to: after a level's splits, each row is at its node in the
   * grown tree again, without routing it from the root.
   */
  void descend(List<Block> blocks, List<int[]> nodes) {
    for (int k = 0; k < blocks.size(); k++) {
      DenseBlock b = (DenseBlock) blocks.get(k);
      int[] at = nodes.get(k);
      for (int i = 0; i < at.length; i++) {
        int node = at[i];
        if (left[node] >= 0) {
          at[i] = b.get(i, feature[node]) <= splitBin[node] ? left[node] : right[node];
        }
      }
    }
  }

  /** The tree grown, as a model's {@link DecisionTree}. */
  DecisionTree toTree() {
    int n = numNodes;
    return DecisionTree.of(
        Arrays.copyOf(feature, n),
        Arrays.copyOf(threshold, n),
        Arrays.copyOf(left, n),
        Arrays.copyOf(right, n),
        Arrays.copyOf(values, n * valueSize),
        valueSize,
        Arrays.copyOf(gain, n));
  }
}
