package org.beamlink.models.clustering;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A grid index of points for fixed-radius neighbour queries, as DBSCAN needs them: the points are
 * hashed into square cells of side {@code radius} over their first {@link #GRID_DIMENSIONS} (or
 * fewer) coordinates, so every point within {@code radius} of a query lies in the query's cell or
 * one of its neighbours (3 or 9 cells); the full Euclidean distance then decides. Cells are found
 * by a hash of their coordinates, so empty space costs nothing; two cells sharing a hash only cost
 * a few extra distance tests. A query costs the number of points in those cells, so a region where
 * everything is within {@code radius} of everything is quadratic over its points; in more than two
 * dimensions the grid prunes by the first two coordinates only. Immutable once built.
 *
 * <pre>{@code
 * RadiusGrid grid = RadiusGrid.of(points, 2, 0.5); // points row-major, 2 coordinates each
 * int nearest = grid.nearest(query, 0); // -1 when no point is within 0.5
 * }</pre>
 */
public final class RadiusGrid {
  /** The number of leading coordinates the cells are laid over, at most. */
  public static final int GRID_DIMENSIONS = 2;

  private static final int[] NONE = new int[0];

  private final double[] points;
  private final int dimension;
  private final int gridDimensions;
  private final double radius;
  private final double radiusSquared;
  private final Map<Long, int[]> cells;

  /** Visits the points within the radius of a query; returns false to stop the query. */
  @FunctionalInterface
  public interface Visitor {
    /** Point {@code index} is within the radius, at squared distance {@code squaredDistance}. */
    boolean visit(int index, double squaredDistance);
  }

  private RadiusGrid(double[] points, int dimension, double radius) {
    if (dimension < 1 || points.length % dimension != 0) {
      throw new IllegalArgumentException(
          points.length + " coordinates are not points of dimension " + dimension);
    }
    if (!(radius > 0) || Double.isInfinite(radius)) {
      throw new IllegalArgumentException("Expected a finite radius > 0, got " + radius);
    }
    this.points = points;
    this.dimension = dimension;
    this.gridDimensions = Math.min(dimension, GRID_DIMENSIONS);
    this.radius = radius;
    this.radiusSquared = radius * radius;
    Map<Long, List<Integer>> lists = new HashMap<>();
    int n = points.length / dimension;
    for (int i = 0; i < n; i++) {
      lists.computeIfAbsent(key(cell(points, i * dimension)), k -> new ArrayList<>()).add(i);
    }
    this.cells = new HashMap<>();
    for (Map.Entry<Long, List<Integer>> e : lists.entrySet()) {
      cells.put(e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).toArray());
    }
  }

  /**
   * The index of {@code points} (row-major, {@code dimension} coordinates each; not copied, so
   * never change them) for queries of {@code radius}.
   *
   * @throws IllegalArgumentException for a radius that is not finite and positive
   */
  public static RadiusGrid of(double[] points, int dimension, double radius) {
    return new RadiusGrid(points, dimension, radius);
  }

  /** The number of points indexed. */
  public int size() {
    return points.length / dimension;
  }

  /** The query radius. */
  public double radius() {
    return radius;
  }

  private long[] cell(double[] x, int offset) {
    long[] c = new long[gridDimensions];
    for (int j = 0; j < gridDimensions; j++) {
      c[j] = (long) Math.floor(x[offset + j] / radius);
    }
    return c;
  }

  private static long key(long[] cell) {
    long h = cell[0];
    for (int j = 1; j < cell.length; j++) {
      h = h * 0x9E3779B97F4A7C15L + cell[j];
    }
    return h;
  }

  /**
   * Calls {@code visitor} for every point within the radius of {@code x} (from {@code offset}),
   * itself included when indexed, until it returns false; returns false when it was stopped.
   */
  public boolean forEachWithin(double[] x, int offset, Visitor visitor) {
    long[] centre = cell(x, offset);
    int neighbours = gridDimensions == 1 ? 3 : 9;
    long[] seen = new long[neighbours];
    long[] c = new long[gridDimensions];
    for (int n = 0; n < neighbours; n++) {
      c[0] = centre[0] + n % 3 - 1;
      if (gridDimensions == 2) {
        c[1] = centre[1] + n / 3 - 1;
      }
      long key = key(c);
      seen[n] = key;
      if (Arrays.stream(seen, 0, n).anyMatch(k -> k == key)) {
        continue;
      }
      for (int i : cells.getOrDefault(key, NONE)) {
        double d = squaredDistance(x, offset, i);
        if (d <= radiusSquared && !visitor.visit(i, d)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The number of points within the radius of {@code x}, counted up to {@code atMost}. */
  public int countWithin(double[] x, int offset, int atMost) {
    int[] count = {0};
    forEachWithin(x, offset, (i, d) -> ++count[0] < atMost);
    return count[0];
  }

  /**
   * The nearest point within the radius of {@code x}, the lowest index among equally near ones, or
   * -1 when there is none.
   */
  public int nearest(double[] x, int offset) {
    int[] best = {-1};
    double[] bestDistance = {Double.POSITIVE_INFINITY};
    forEachWithin(
        x,
        offset,
        (i, d) -> {
          if (d < bestDistance[0] || (d == bestDistance[0] && i < best[0])) {
            best[0] = i;
            bestDistance[0] = d;
          }
          return true;
        });
    return best[0];
  }

  private double squaredDistance(double[] x, int offset, int i) {
    double sum = 0;
    int at = i * dimension;
    for (int j = 0; j < dimension; j++) {
      double diff = x[offset + j] - points[at + j];
      sum += diff * diff;
    }
    return sum;
  }
}
