package org.beamlink.models.clustering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.junit.jupiter.api.Test;

/** The tree of a bisecting k-means model, including nodes whose bisection left one side empty. */
class BisectingKMeansModelTest {
  private static BisectingKMeansModel tree(long[] nodes, double[] centers) {
    long[] sizes = new long[nodes.length];
    double[] costs = new double[nodes.length];
    return BisectingKMeansModel.of(
        nodes,
        sizes,
        costs,
        centers,
        FeatureColumns.of(List.of("x")),
        Provenance.of("BisectingKMeans", Map.of(), 0L, 1, 0.0, 0));
  }

  @Test
  void bothChildrenAreWalkedToTheNearer() {
    BisectingKMeansModel m = tree(new long[] {1, 2, 3}, new double[] {0, -1, 1});
    assertArrayEquals(new long[] {2, 3}, m.leafNodes());
    assertEquals(0, m.predict(Vector.dense(-0.5)));
    assertEquals(1, m.predict(Vector.dense(0.5)));
    assertEquals(0, m.predict(Vector.dense(0.0)), "the left child on a tie");
  }

  /**
   * Node 3's bisection sent every row left (node 6) and node 2's every row right (node 5): each
   * keeps its one child, which every point reaching the node takes; the leaves are 5 and 6, in
   * pre-order. BisectingKMeans made such a tree for iris's standardized features (k = 3, seed 3),
   * which the model refused before.
   */
  @Test
  void aNodeWithOneChildPassesEveryPointToIt() {
    BisectingKMeansModel m = tree(new long[] {1, 2, 3, 5, 6}, new double[] {0, -1, 1, -1, 1});
    assertArrayEquals(new long[] {5, 6}, m.leafNodes());
    assertEquals(2, m.k());
    assertEquals(0, m.predict(Vector.dense(-3)));
    assertEquals(1, m.predict(Vector.dense(0.25)));
    assertEquals(1, m.predict(Vector.dense(7)));
  }

  @Test
  void aNodeWithoutItsParentIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> tree(new long[] {1, 2, 3, 12}, new double[] {0, -1, 1, 2}));
    assertTrue(e.getMessage().contains("Node 12 has no parent"), e.getMessage());
  }
}
