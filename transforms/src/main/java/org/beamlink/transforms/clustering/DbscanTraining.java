package org.beamlink.transforms.clustering;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.beamlink.models.Provenance;
import org.beamlink.models.clustering.DbscanModel;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.clustering.RadiusGrid;
import org.beamlink.models.linalg.ArrayEncoding;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.rows.OutputColumns;
import org.beamlink.models.rows.RowText;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The steps of {@link Dbscan}: rows to partition cells with their halo copies ({@link ToCells}),
 * the exact local clustering of each cell ({@link ClusterCell}), the edges between local clusters
 * sharing a core point ({@link SharedCoreEdges}), the global union-find and numbering that makes
 * the model ({@link NumberClusters}), and the labels of the rows ({@link Relabel}). A local cluster
 * is named by its cell's key and its number in the cell: a {@code KV<Long, Integer>}.
 */
final class DbscanTraining {
  private DbscanTraining() {}

  static final TupleTag<KV<KV<Long, Integer>, Row>> LOCAL_ROWS = new TupleTag<>() {};
  static final TupleTag<KV<double[], KV<Long, Integer>>> SHARED = new TupleTag<>() {};
  static final TupleTag<KV<KV<Long, Integer>, double[]>> MINIMA = new TupleTag<>() {};
  static final TupleTag<KV<KV<Long, Integer>, double[]>> CORES = new TupleTag<>() {};
  static final TupleTag<DbscanModel> MODEL = new TupleTag<>() {};
  static final TupleTag<Map<KV<Long, Integer>, Integer>> LABELS = new TupleTag<>() {};

  static final Coder<KV<Long, Integer>> LOCAL_ID = KvCoder.of(VarLongCoder.of(), VarIntCoder.of());
  static final Coder<Map<KV<Long, Integer>, Integer>> LABELS_CODER =
      MapCoder.of(LOCAL_ID, VarIntCoder.of());

  /** The settings every step shares. */
  static final class Params implements Serializable {
    private static final long serialVersionUID = 1L;

    final FeatureColumns features;
    final DistanceMeasure distance;
    final double eps;
    final double radius;
    final int minPoints;
    final double cellSide;
    final boolean withRows;
    final String predictionCol;
    final Map<String, String> description;

    Params(
        FeatureColumns features,
        DistanceMeasure distance,
        double eps,
        int minPoints,
        double cellSize,
        boolean withRows,
        String predictionCol,
        Map<String, String> description) {
      this.features = features;
      this.distance = distance;
      this.eps = eps;
      this.radius = DbscanModel.radius(distance, eps);
      this.minPoints = minPoints;
      this.cellSide = cellSize * radius;
      this.withRows = withRows;
      this.predictionCol = predictionCol;
      this.description = description;
    }
  }

  /** A point in a cell: its coordinates as compared, whether the cell owns it, and its row. */
  static final class CellPoint {
    final double[] x;
    final boolean owned;
    final @Nullable Row row;

    CellPoint(double[] x, boolean owned, @Nullable Row row) {
      this.x = x;
      this.owned = owned;
      this.row = row;
    }
  }

  /** Coder of {@link CellPoint}s: a flag, the coordinates and, when present, the row. */
  static final class CellPointCoder extends CustomCoder<CellPoint> {
    private static final long serialVersionUID = 1L;
    private final Coder<Row> rowCoder;

    CellPointCoder(Coder<Row> rowCoder) {
      this.rowCoder = rowCoder;
    }

    @Override
    public void encode(CellPoint value, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeByte((value.owned ? 1 : 0) | (value.row != null ? 2 : 0));
      data.flush();
      ArrayEncoding.writeDoubles(value.x, out);
      if (value.row != null) {
        rowCoder.encode(value.row, out);
      }
    }

    @Override
    public CellPoint decode(InputStream in) throws IOException {
      int flags = new DataInputStream(in).readByte();
      double[] x = ArrayEncoding.readDoubles(in);
      Row row = (flags & 2) != 0 ? rowCoder.decode(in) : null;
      return new CellPoint(x, (flags & 1) != 0, row);
    }
  }

  /**
   * A factor on the distances that decide which cell holds, decides and shares a point, so that
   * rounding in the cell boxes' bounds can only add points (which costs nothing but time), never
   * miss one: a point is decided within {@code radius SLACK} of a box, copied within {@code 2
   * radius SLACK}, shared within {@code radius SLACK^2} of its own box's border.
   */
  private static final double SLACK = 1 + 1e-9;

  /** The number of leading coordinates the partition cells are laid over. */
  static int gridDimensions(int dimension) {
    return Math.min(dimension, RadiusGrid.GRID_DIMENSIONS);
  }

  /** The key of the cell at grid coordinates {@code cell}: one int per grid dimension. */
  static long cellKey(long[] cell) {
    return cell.length == 1 ? cell[0] : (cell[0] << 32) | (cell[1] & 0xFFFFFFFFL);
  }

  private static long[] cellOf(long key, int gridDimensions) {
    return gridDimensions == 1 ? new long[] {key} : new long[] {key >> 32, (int) key};
  }

  /** The squared distance over the grid dimensions from {@code x} to the box of {@code cell}. */
  private static double squaredDistanceToCell(double[] x, long[] cell, double side) {
    double sum = 0;
    for (int j = 0; j < cell.length; j++) {
      double lo = cell[j] * side;
      double hi = lo + side;
      double gap = x[j] < lo ? lo - x[j] : x[j] > hi ? x[j] - hi : 0;
      sum += gap * gap;
    }
    return sum;
  }

  /**
   * Sends each row's point to the cell that owns it and a copy to every neighbouring cell within
   * {@code 2 radius} (its halo): a cell then holds the whole neighbourhood of every point within
   * {@code radius} of it, so it can decide their core status.
   */
  static final class ToCells extends DoFn<Row, KV<Long, CellPoint>> {
    private final Params params;
    private final @Nullable PCollectionView<List<Integer>> sizes;
    private final Counter copies = Metrics.counter(Dbscan.class, "haloCopies");
    private transient FeatureColumns.Bound bound;

    ToCells(Params params, @Nullable PCollectionView<List<Integer>> sizes) {
      this.params = params;
      this.sizes = sizes;
    }

    @ProcessElement
    public void process(
        @Element Row row, OutputReceiver<KV<Long, CellPoint>> out, ProcessContext context) {
      if (bound == null) {
        bound = params.features.bind(row.getSchema());
      }
      Vector v = bound.extract(row);
      if (sizes != null) {
        List<Integer> all = context.sideInput(sizes);
        if (all.size() > 1) {
          throw new IllegalArgumentException(
              "Features from "
                  + params.features
                  + " have sizes "
                  + new TreeSet<>(all)
                  + " in different rows; this one has size "
                  + v.size()
                  + ": "
                  + RowText.of(row));
        }
      }
      double[] x;
      try {
        x = DbscanModel.comparable(params.distance, v);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage() + ": features from " + params.features + " in row " + RowText.of(row),
            e);
      }
      int g = gridDimensions(x.length);
      long[] cell = new long[g];
      for (int j = 0; j < g; j++) {
        double c = Math.floor(x[j] / params.cellSide);
        if (Math.abs(c) >= Integer.MAX_VALUE) {
          throw new IllegalArgumentException(
              "Coordinate "
                  + j
                  + " is "
                  + x[j]
                  + ", beyond 2^31 partition cells of side "
                  + params.cellSide
                  + " (cellSize times eps): use a larger cellSize; row "
                  + RowText.of(row));
        }
        cell[j] = (long) c;
      }
      out.output(KV.of(cellKey(cell), new CellPoint(x, true, params.withRows ? row : null)));
      double halo = 2 * params.radius * SLACK;
      long[] neighbour = new long[g];
      int neighbours = g == 1 ? 3 : 9;
      for (int n = 0; n < neighbours; n++) {
        neighbour[0] = cell[0] + n % 3 - 1;
        if (g == 2) {
          neighbour[1] = cell[1] + n / 3 - 1;
        }
        if (!Arrays.equals(neighbour, cell)
            && squaredDistanceToCell(x, neighbour, params.cellSide) <= halo * halo) {
          out.output(KV.of(cellKey(neighbour), new CellPoint(x, false, null)));
          copies.inc();
        }
      }
    }
  }

  /**
   * Clusters one cell exactly: the core status of every point it owns or holds within {@code
   * radius} of its box (their neighbourhoods are all in the cell and its halo), the connected
   * components of those core points (its local clusters, numbered by their first core point in
   * lexicographic order), and the local cluster of every row it owns: a core point's own, else the
   * nearest core point's within {@code radius} (the lexicographically first among equally near),
   * else -1. It also emits every core point another cell holds too, under its coordinates, so that
   * local clusters sharing one can be merged.
   */
  static final class ClusterCell
      extends DoFn<KV<Long, Iterable<CellPoint>>, KV<KV<Long, Integer>, Row>> {
    private final Params params;
    private final Counter corePoints = Metrics.counter(Dbscan.class, "corePoints");
    private final Counter cells = Metrics.counter(Dbscan.class, "cells");

    ClusterCell(Params params) {
      this.params = params;
    }

    private static final Comparator<CellPoint> LEXICOGRAPHIC = (a, b) -> Arrays.compare(a.x, b.x);

    @ProcessElement
    public void process(@Element KV<Long, Iterable<CellPoint>> element, MultiOutputReceiver out) {
      List<CellPoint> points = new ArrayList<>();
      boolean anyOwned = false;
      for (CellPoint p : element.getValue()) {
        points.add(p);
        anyOwned |= p.owned;
      }
      if (!anyOwned) {
        return;
      }
      cells.inc();
      points.sort(LEXICOGRAPHIC);
      int n = points.size();
      int d = points.get(0).x.length;
      double r = params.radius;
      double decidedWithin = r * SLACK * r * SLACK;
      long key = element.getKey();
      long[] cell = cellOf(key, gridDimensions(d));
      double[] flat = new double[n * d];
      boolean[] decided = new boolean[n];
      for (int i = 0; i < n; i++) {
        CellPoint p = points.get(i);
        System.arraycopy(p.x, 0, flat, i * d, d);
        decided[i] = p.owned || squaredDistanceToCell(p.x, cell, params.cellSide) <= decidedWithin;
      }
      RadiusGrid all = RadiusGrid.of(flat, d, r);
      boolean[] core = new boolean[n];
      for (int i = 0; i < n; i++) {
        core[i] = decided[i] && all.countWithin(flat, i * d, params.minPoints) >= params.minPoints;
      }
      int[] parent = new int[n];
      for (int i = 0; i < n; i++) {
        parent[i] = i;
      }
      for (int i = 0; i < n; i++) {
        if (!core[i]) {
          continue;
        }
        int from = i;
        all.forEachWithin(
            flat,
            i * d,
            (j, dist) -> {
              if (j > from && core[j]) {
                union(parent, from, j);
              }
              return true;
            });
      }
      int[] local = new int[n];
      Arrays.fill(local, -1);
      Map<Integer, Integer> numbers = new HashMap<>();
      List<Integer> coreIndex = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!core[i]) {
          continue;
        }
        coreIndex.add(i);
        int root = find(parent, i);
        Integer number = numbers.get(root);
        if (number == null) {
          number = numbers.size();
          numbers.put(root, number);
          out.get(MINIMA).output(KV.of(KV.of(key, number), points.get(i).x));
        }
        local[i] = number;
        KV<Long, Integer> id = KV.of(key, number);
        CellPoint p = points.get(i);
        if (!p.owned || nearBorder(p.x, cell, params.cellSide, r * SLACK * SLACK)) {
          out.get(SHARED).output(KV.of(p.x, id));
        }
        if (p.owned) {
          out.get(CORES).output(KV.of(id, p.x));
          corePoints.inc();
        }
      }
      if (!params.withRows) {
        return;
      }
      double[] coreFlat = new double[coreIndex.size() * d];
      for (int c = 0; c < coreIndex.size(); c++) {
        System.arraycopy(flat, coreIndex.get(c) * d, coreFlat, c * d, d);
      }
      RadiusGrid cores = coreIndex.isEmpty() ? null : RadiusGrid.of(coreFlat, d, r);
      for (int i = 0; i < n; i++) {
        CellPoint p = points.get(i);
        if (!p.owned) {
          continue;
        }
        int label = local[i];
        if (label < 0 && cores != null) {
          int nearest = cores.nearest(flat, i * d);
          label = nearest < 0 ? -1 : local[coreIndex.get(nearest)];
        }
        out.get(LOCAL_ROWS).output(KV.of(KV.of(key, label), p.row));
      }
    }

    /** Whether {@code x}, inside the cell's box, is within {@code r} of its border. */
    private static boolean nearBorder(double[] x, long[] cell, double side, double r) {
      for (int j = 0; j < cell.length; j++) {
        double lo = cell[j] * side;
        if (x[j] - lo <= r || lo + side - x[j] <= r) {
          return true;
        }
      }
      return false;
    }
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) {
      parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }

  /** The local clusters holding one core point: an edge from the first to each other. */
  static final class SharedCoreEdges
      extends DoFn<
          KV<double[], Iterable<KV<Long, Integer>>>, KV<KV<Long, Integer>, KV<Long, Integer>>> {
    @ProcessElement
    public void process(
        @Element KV<double[], Iterable<KV<Long, Integer>>> element,
        OutputReceiver<KV<KV<Long, Integer>, KV<Long, Integer>>> out) {
      TreeSet<KV<Long, Integer>> ids = new TreeSet<>(LOCAL_ORDER);
      for (KV<Long, Integer> id : element.getValue()) {
        ids.add(id);
      }
      KV<Long, Integer> first = ids.first();
      for (KV<Long, Integer> id : ids) {
        if (!id.equals(first)) {
          out.output(KV.of(first, id));
        }
      }
    }
  }

  private static final Comparator<KV<Long, Integer>> LOCAL_ORDER =
      Comparator.<KV<Long, Integer>, Long>comparing(KV::getKey).thenComparing(KV::getValue);

  /**
   * On the row count (one element): merges the local clusters linked by shared core points
   * (union-find), numbers the merged clusters in the lexicographic order of their smallest core
   * point, and outputs the model (every core point with its cluster) and the map from local cluster
   * to cluster.
   *
   * @throws IllegalArgumentException when the input is empty
   */
  static final class NumberClusters extends DoFn<Long, DbscanModel> {
    private final Params params;
    private final PCollectionView<Iterable<KV<KV<Long, Integer>, KV<Long, Integer>>>> edges;
    private final PCollectionView<Iterable<KV<KV<Long, Integer>, double[]>>> minima;
    private final PCollectionView<Iterable<KV<KV<Long, Integer>, double[]>>> cores;
    private final @Nullable PCollectionView<List<Integer>> sizes;

    NumberClusters(
        Params params,
        PCollectionView<Iterable<KV<KV<Long, Integer>, KV<Long, Integer>>>> edges,
        PCollectionView<Iterable<KV<KV<Long, Integer>, double[]>>> minima,
        PCollectionView<Iterable<KV<KV<Long, Integer>, double[]>>> cores,
        @Nullable PCollectionView<List<Integer>> sizes) {
      this.params = params;
      this.edges = edges;
      this.minima = minima;
      this.cores = cores;
      this.sizes = sizes;
    }

    private static KV<Long, Integer> root(
        Map<KV<Long, Integer>, KV<Long, Integer>> parent, KV<Long, Integer> id) {
      KV<Long, Integer> at = id;
      for (KV<Long, Integer> up = parent.get(at);
          up != null && !up.equals(at);
          up = parent.get(at)) {
        at = up;
      }
      parent.put(id, at);
      return at;
    }

    @ProcessElement
    public void process(@Element Long rows, MultiOutputReceiver out, ProcessContext context) {
      if (rows == 0) {
        throw new IllegalArgumentException("Dbscan needs training rows; the input is empty");
      }
      Map<KV<Long, Integer>, KV<Long, Integer>> parent = new HashMap<>();
      Map<KV<Long, Integer>, double[]> smallest = new HashMap<>();
      for (KV<KV<Long, Integer>, double[]> m : context.sideInput(minima)) {
        parent.put(m.getKey(), m.getKey());
        smallest.put(m.getKey(), m.getValue());
      }
      for (KV<KV<Long, Integer>, KV<Long, Integer>> e : context.sideInput(edges)) {
        KV<Long, Integer> a = root(parent, e.getKey());
        KV<Long, Integer> b = root(parent, e.getValue());
        if (!a.equals(b)) {
          parent.put(LOCAL_ORDER.compare(a, b) < 0 ? b : a, LOCAL_ORDER.compare(a, b) < 0 ? a : b);
        }
      }
      Map<KV<Long, Integer>, double[]> rootSmallest = new HashMap<>();
      for (Map.Entry<KV<Long, Integer>, double[]> m : smallest.entrySet()) {
        rootSmallest.merge(
            root(parent, m.getKey()), m.getValue(), (a, b) -> Arrays.compare(a, b) <= 0 ? a : b);
      }
      List<Map.Entry<KV<Long, Integer>, double[]>> roots = new ArrayList<>(rootSmallest.entrySet());
      roots.sort((a, b) -> Arrays.compare(a.getValue(), b.getValue()));
      Map<KV<Long, Integer>, Integer> rootNumber = new HashMap<>();
      for (Map.Entry<KV<Long, Integer>, double[]> e : roots) {
        rootNumber.put(e.getKey(), rootNumber.size());
      }
      Map<KV<Long, Integer>, Integer> labels = new HashMap<>();
      for (KV<Long, Integer> id : smallest.keySet()) {
        labels.put(id, rootNumber.get(root(parent, id)));
      }
      List<KV<double[], Integer>> labelled = new ArrayList<>();
      for (KV<KV<Long, Integer>, double[]> c : context.sideInput(cores)) {
        labelled.add(KV.of(c.getValue(), labels.get(c.getKey())));
      }
      labelled.sort((a, b) -> Arrays.compare(a.getKey(), b.getKey()));
      int dimension =
          sizes == null ? params.features.featureCols().size() : context.sideInput(sizes).get(0);
      double[] flat = new double[labelled.size() * dimension];
      int[] clusters = new int[labelled.size()];
      for (int i = 0; i < clusters.length; i++) {
        System.arraycopy(labelled.get(i).getKey(), 0, flat, i * dimension, dimension);
        clusters[i] = labelled.get(i).getValue();
      }
      Provenance provenance = Provenance.of("Dbscan", params.description, 0L, 1, Double.NaN, rows);
      out.get(MODEL)
          .output(
              DbscanModel.of(
                      params.distance,
                      params.eps,
                      params.minPoints,
                      dimension,
                      flat,
                      clusters,
                      params.features,
                      provenance)
                  .withPredictionCol(params.predictionCol));
      out.get(LABELS).output(labels);
    }
  }

  /** A row with its local cluster becomes the row with its cluster appended. */
  static final class Relabel extends DoFn<KV<KV<Long, Integer>, Row>, Row> {
    private final PCollectionView<Map<KV<Long, Integer>, Integer>> labels;
    private final Schema output;

    Relabel(PCollectionView<Map<KV<Long, Integer>, Integer>> labels, Schema output) {
      this.labels = labels;
      this.output = output;
    }

    @ProcessElement
    public void process(
        @Element KV<KV<Long, Integer>, Row> element, OutputReceiver<Row> out, ProcessContext c) {
      int label = element.getKey().getValue() < 0 ? -1 : c.sideInput(labels).get(element.getKey());
      out.output(OutputColumns.row(output, element.getValue(), label));
    }
  }

  /** The coder of the coordinates shared cores are grouped by. */
  static Coder<double[]> coordinates() {
    return DoubleArrayCoder.of();
  }
}
