package org.beamlink.models.clustering;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.FeatureColumnsCoding;
import org.beamlink.models.rows.OutputColumns;

/**
 * A fitted bisecting k-means model, Spark's {@code BisectingKMeansModel}: the binary tree of
 * clusters the bisections made, each node with its number in Spark's numbering (the root 1, the
 * children of {@code i} are {@code 2i} and {@code 2i + 1}), its size, centre and cost (the sum of
 * squared distances of its points to the centre). The leaves are the clusters, numbered 0, 1, ...
 * in pre-order, left first; a point is predicted by walking down from the root to the nearer child
 * at every node (the left one on ties), as Spark does, which is not always the nearest leaf. A
 * bisection that sends every row to one side leaves its node with one child, which a point then
 * always takes (Spark's tree keeps a lone left child the same way, and drops a lone right one with
 * its subtree; this keeps both). As a pipeline stage it appends that leaf ({@code predictionCol},
 * INT32, default "prediction"). Immutable.
 *
 * <p>A row whose features are null, NaN, infinite or of another size than the model's fails naming
 * the column and the row.
 *
 * <p>Format {@code bisecting-kmeans-model}, version 1: the prediction column, the node numbers,
 * sizes, costs and centres, the features and the provenance.
 *
 * <pre>{@code
 * BisectingKMeansModel model = ...; // from BisectingKMeans.fit()
 * int cluster = model.predict(Vector.dense(5.1, 3.5, 1.4, 0.2));
 * Row scored = model.bind(schema).apply(row); // + prediction
 * }</pre>
 */
public final class BisectingKMeansModel implements Transformer {
  private static final long serialVersionUID = 1L;

  private final long[] nodes;
  private final long[] sizes;
  private final double[] costs;
  private final double[] centers;
  private final int dimension;
  private final FeatureColumns features;
  private final Provenance provenance;
  private final String predictionCol;

  /** Position of each node number in the arrays. */
  private final Map<Long, Integer> position = new HashMap<>();

  /** The leaves' node numbers in pre-order. */
  private final long[] leaves;

  private BisectingKMeansModel(
      long[] nodes,
      long[] sizes,
      double[] costs,
      double[] centers,
      FeatureColumns features,
      Provenance provenance,
      String predictionCol) {
    int n = nodes.length;
    if (n < 1 || sizes.length != n || costs.length != n || centers.length % n != 0) {
      throw new IllegalArgumentException(
          "Expected one size, cost and centre per node, got "
              + n
              + " nodes, "
              + sizes.length
              + " sizes, "
              + costs.length
              + " costs and "
              + centers.length
              + " centre values");
    }
    this.nodes = nodes;
    this.sizes = sizes;
    this.costs = costs;
    this.centers = centers;
    this.dimension = centers.length / n;
    this.features = Objects.requireNonNull(features);
    this.provenance = Objects.requireNonNull(provenance);
    if (predictionCol == null || predictionCol.isEmpty()) {
      throw new IllegalArgumentException("Expected a prediction column name, got none");
    }
    this.predictionCol = predictionCol;
    for (int i = 0; i < n; i++) {
      if (position.put(nodes[i], i) != null) {
        throw new IllegalArgumentException("Node " + nodes[i] + " appears twice");
      }
    }
    if (!position.containsKey(1L)) {
      throw new IllegalArgumentException(
          "Expected the root, node 1, among " + Arrays.toString(nodes));
    }
    for (long node : nodes) {
      if (node != 1L && !position.containsKey(node / 2)) {
        throw new IllegalArgumentException(
            "Node " + node + " has no parent among " + Arrays.toString(nodes));
      }
    }
    List<Long> found = new ArrayList<>();
    collectLeaves(1L, found);
    this.leaves = found.stream().mapToLong(Long::longValue).toArray();
  }

  private void collectLeaves(long node, List<Long> out) {
    if (!isInternal(node)) {
      out.add(node);
      return;
    }
    for (long child : new long[] {2 * node, 2 * node + 1}) {
      if (position.containsKey(child)) {
        collectLeaves(child, out);
      }
    }
  }

  /** Whether {@code node} has a child: one, when a bisection left the other side without rows. */
  private boolean isInternal(long node) {
    return node <= Long.MAX_VALUE / 2
        && (position.containsKey(2 * node) || position.containsKey(2 * node + 1));
  }

  /**
   * The model of a tree of clusters: per node its number ({@code nodes}, 1 the root, {@code 2i} and
   * {@code 2i + 1} the children of {@code i}), size, cost and centre ({@code centers} row-major,
   * one centre per node). An internal node has one child when its bisection sent every row to one
   * side, as Spark's tree allows. Arrays are copied.
   *
   * @throws IllegalArgumentException when the nodes are not a binary tree from node 1 or the sizes
   *     disagree
   */
  public static BisectingKMeansModel of(
      long[] nodes,
      long[] sizes,
      double[] costs,
      double[] centers,
      FeatureColumns features,
      Provenance provenance) {
    return new BisectingKMeansModel(
        nodes.clone(),
        sizes.clone(),
        costs.clone(),
        centers.clone(),
        features,
        provenance,
        "prediction");
  }

  /** The same model appending the cluster to {@code predictionCol}. */
  public BisectingKMeansModel withPredictionCol(String col) {
    return new BisectingKMeansModel(nodes, sizes, costs, centers, features, provenance, col);
  }

  /** The column of the predicted cluster. */
  public String predictionCol() {
    return predictionCol;
  }

  /** Number of clusters (leaves); at most the {@code k} asked for. */
  public int k() {
    return leaves.length;
  }

  /** Dimension of the centres. */
  public int dimension() {
    return dimension;
  }

  /** The feature columns the model reads. */
  public FeatureColumns features() {
    return features;
  }

  /** How the model was made. */
  public Provenance provenance() {
    return provenance;
  }

  /** The node numbers of the clusters, in cluster order (pre-order, left first). */
  public long[] leafNodes() {
    return leaves.clone();
  }

  /** Every node's number, in the order of {@link #nodeSize} etc. */
  public long[] nodes() {
    return nodes.clone();
  }

  /** The number of training points in node {@code node}. */
  public long nodeSize(long node) {
    return sizes[at(node)];
  }

  /** The sum of squared distances of node {@code node}'s training points to its centre. */
  public double nodeCost(long node) {
    return costs[at(node)];
  }

  /** The centre of node {@code node}. */
  public Vector nodeCenter(long node) {
    int i = at(node);
    return Vector.dense(Arrays.copyOfRange(centers, i * dimension, (i + 1) * dimension));
  }

  /** The centre of cluster {@code c}. */
  public Vector clusterCenter(int c) {
    return nodeCenter(leaves[c]);
  }

  /** The clusters' costs summed: Spark's {@code trainingCost}. */
  public double trainingCost() {
    double total = 0;
    for (long leaf : leaves) {
      total += costs[at(leaf)];
    }
    return total;
  }

  private int at(long node) {
    Integer i = position.get(node);
    if (i == null) {
      throw new IllegalArgumentException("No node " + node + " in " + Arrays.toString(nodes));
    }
    return i;
  }

  /** The cluster of {@code x}: down from the root to the nearer child, the left one on ties. */
  public int predict(Vector x) {
    if (x.size() != dimension) {
      throw new IllegalArgumentException(
          "Vector has size " + x.size() + " but the model's centres have size " + dimension);
    }
    long node = 1;
    while (isInternal(node)) {
      Integer left = position.get(2 * node);
      Integer right = position.get(2 * node + 1);
      if (left == null || right == null) {
        node = left == null ? 2 * node + 1 : 2 * node;
      } else {
        double l = x.squaredDistance(centers, left * dimension);
        double r = x.squaredDistance(centers, right * dimension);
        node = r < l ? 2 * node + 1 : 2 * node;
      }
    }
    for (int c = 0; c < leaves.length; c++) {
      if (leaves[c] == node) {
        return c;
      }
    }
    throw new IllegalStateException("Leaf " + node + " is not among " + Arrays.toString(leaves));
  }

  /**
   * {@code input} with {@code predictionCol} (INT32) appended.
   *
   * @throws IllegalArgumentException when the column already exists in {@code input}
   */
  public static Schema outputSchema(Schema input, String predictionCol) {
    return OutputColumns.of(predictionCol).appendTo(input, FieldType.INT32);
  }

  @Override
  public Schema outputSchema(Schema input) {
    return outputSchema(input, predictionCol);
  }

  @Override
  public Bound bind(Schema input) {
    return new ClusterIndexBound(
        outputSchema(input), features.bind(input), dimension, this::predict);
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("k", Integer.toString(k()));
    p.put("leaves", Arrays.toString(leaves));
    p.put("features", features.toString());
    p.put("predictionCol", predictionCol);
    p.put("provenance", provenance.toString());
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BisectingKMeansModel m
        && Arrays.equals(nodes, m.nodes)
        && Arrays.equals(sizes, m.sizes)
        && Arrays.equals(costs, m.costs)
        && Arrays.equals(centers, m.centers)
        && features.equals(m.features)
        && provenance.equals(m.provenance)
        && predictionCol.equals(m.predictionCol);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(nodes), Arrays.hashCode(centers), features, provenance, predictionCol);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("BisectingKMeansModel(k=" + k() + ", " + features);
    for (int c = 0; c < leaves.length; c++) {
      s.append("\n  ").append(c).append(" (node ").append(leaves[c]).append("): ");
      s.append(clusterCenter(c)).append(", size ").append(nodeSize(leaves[c]));
    }
    return s.append("\n  ").append(provenance).append(")").toString();
  }

  /**
   * Deterministic, versioned coder for {@link BisectingKMeansModel}: the body of format {@code
   * bisecting-kmeans-model}.
   *
   * <pre>{@code
   * BisectingKMeansModel.Coder.of().encode(model, out);
   * }</pre>
   */
  public static final class Coder extends CustomCoder<BisectingKMeansModel> {
    private static final int VERSION = 1;
    private static final long serialVersionUID = 1L;

    private Coder() {}

    /** The coder. */
    public static Coder of() {
      return new Coder();
    }

    @Override
    public void encode(BisectingKMeansModel value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte(VERSION);
      data.writeUTF(value.predictionCol);
      data.writeInt(value.nodes.length);
      for (int i = 0; i < value.nodes.length; i++) {
        data.writeLong(value.nodes[i]);
        data.writeLong(value.sizes[i]);
      }
      data.flush();
      ArrayEncoding.writeDoubles(value.costs, out);
      ArrayEncoding.writeDoubles(value.centers, out);
      FeatureColumnsCoding.write(value.features, out);
      value.provenance.writeTo(out);
    }

    @Override
    public BisectingKMeansModel decode(InputStream in) throws IOException {
      ArrayEncoding.readVersion(in, VERSION, "bisecting k-means model");
      DataInputStream data = new DataInputStream(in);
      String prediction = data.readUTF();
      int n = data.readInt();
      if (n < 1) {
        throw new CoderException("Corrupt bisecting k-means model: " + n + " nodes");
      }
      long[] nodes = new long[n];
      long[] sizes = new long[n];
      for (int i = 0; i < n; i++) {
        nodes[i] = data.readLong();
        sizes[i] = data.readLong();
      }
      double[] costs = ArrayEncoding.readDoubles(in);
      double[] centers = ArrayEncoding.readDoubles(in);
      FeatureColumns features = FeatureColumnsCoding.read(in);
      Provenance provenance = Provenance.readFrom(in);
      try {
        return new BisectingKMeansModel(
            nodes, sizes, costs, centers, features, provenance, prediction);
      } catch (IllegalArgumentException e) {
        throw new CoderException("Corrupt bisecting k-means model: " + e.getMessage(), e);
      }
    }

    @Override
    public void verifyDeterministic() {}
  }
}
