package org.beamlink.models.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MinimizerTest {
  /** Rosenbrock's function: minimum 0 at (1, 1), a curved valley that defeats naive steps. */
  private static double rosenbrock(double[] x, double[] g) {
    double a = 1 - x[0];
    double b = x[1] - x[0] * x[0];
    g[0] = -2 * a - 400 * x[0] * b;
    g[1] = 200 * b;
    return a * a + 100 * b * b;
  }

  /** {@code sum_i c_i (x_i - t_i)^2 / 2}: separable, so its L1-penalised minimum is known. */
  private static final double[] C = {1.0, 2.0, 4.0, 0.5};

  private static final double[] T = {3.0, -0.1, 0.5, -2.0};

  private static double quadratic(double[] x, double[] g, double[] h) {
    double f = 0;
    for (int i = 0; i < x.length; i++) {
      f += 0.5 * C[i] * (x[i] - T[i]) * (x[i] - T[i]);
      g[i] = C[i] * (x[i] - T[i]);
      if (h != null) {
        h[i * x.length + i] = C[i];
      }
    }
    return f;
  }

  private static Minimizer run(Minimizer m, boolean rosen) {
    while (!m.done()) {
      double[] p = m.point();
      double[] g = new double[p.length];
      double[] h = m.needsHessian() ? new double[p.length * p.length] : null;
      double f = rosen ? rosenbrock(p, g) : quadratic(p, g, h);
      m.tell(f, g, h);
    }
    return m;
  }

  @Test
  void lbfgsFindsRosenbrockMinimum() {
    Minimizer m = run(new Lbfgs(new double[] {-1.2, 1.0}, 200, 1e-14, 1000, 10), true);
    assertArrayEquals(new double[] {1.0, 1.0}, m.solution(), 1e-6, m.stopReason());
    assertTrue(m.iterations() < 60, "iterations " + m.iterations());
    assertTrue(m.evaluations() < 1.5 * m.iterations() + 10, "evaluations " + m.evaluations());
  }

  @Test
  void lossCurveStartsAtTheStartAndDecreases() {
    Minimizer m = run(new Lbfgs(new double[] {-1.2, 1.0}, 200, 1e-14, 1000, 10), true);
    double[] curve = m.lossCurve();
    assertEquals(m.iterations() + 1, curve.length);
    assertEquals(24.2, curve[0], 1e-12);
    for (int i = 1; i < curve.length; i++) {
      assertTrue(curve[i] <= curve[i - 1], "loss went up at iteration " + i);
    }
    assertEquals(m.loss(), curve[curve.length - 1]);
  }

  @Test
  void stopsAtMaxIter() {
    Minimizer m = run(new Lbfgs(new double[] {-1.2, 1.0}, 3, 0.0, 1000, 10), true);
    assertEquals(3, m.iterations());
    assertTrue(m.stopReason().startsWith("maxIter"), m.stopReason());
  }

  @Test
  void owlqnSoftThresholdsSeparableQuadratic() {
    double l1 = 0.6;
    Minimizer m =
        run(new OwlQn(new double[4], new double[] {l1, l1, l1, l1}, 100, 1e-15, 1000, 10), false);
    // argmin c (x - t)^2 / 2 + l1 |x| = sign(t) max(|t| - l1 / c, 0)
    double[] expected = new double[4];
    for (int i = 0; i < 4; i++) {
      expected[i] = Math.signum(T[i]) * Math.max(Math.abs(T[i]) - l1 / C[i], 0);
    }
    assertArrayEquals(expected, m.solution(), 1e-9, m.stopReason());
    assertEquals(0.0, m.solution()[1], "a coordinate below the threshold must be exactly zero");
  }

  @Test
  void newtonSolvesQuadraticInOneStep() {
    Minimizer m = run(new Newton(new double[4], 100, 1e-12, 100), false);
    assertArrayEquals(T, m.solution(), 1e-12);
    assertTrue(m.iterations() <= 2, "iterations " + m.iterations());
  }

  @Test
  void sgdWithFullBatchApproachesQuadraticMinimum() {
    Minimizer m = run(new Sgd(new double[4], new double[4], 2000, 0.0, 0.2, 1.0), false);
    assertArrayEquals(T, m.solution(), 1e-3);
    assertEquals(2000, m.iterations());
  }

  @Test
  void sgdProximalStepZeroesSmallCoordinates() {
    double l1 = 0.6;
    Minimizer m =
        run(new Sgd(new double[4], new double[] {l1, l1, l1, l1}, 3000, 0.0, 0.2, 1.0), false);
    assertEquals(0.0, m.solution()[1]);
    assertEquals(3.0 - 0.6, m.solution()[0], 1e-3);
  }

  @Test
  void rejectsNaNObjective() {
    Minimizer m = new Lbfgs(new double[2], 10, 1e-6, 100, 10);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> m.tell(Double.NaN, new double[2], null));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> new Lbfgs(new double[2], 0, 1e-6, 10, 10));
    assertThrows(
        IllegalArgumentException.class,
        () -> new OwlQn(new double[2], new double[] {-1, 0}, 10, 1e-6, 10, 10));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Sgd(new double[2], new double[2], 10, 1e-6, 1.0, 0.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Lbfgs(new double[] {Double.NaN}, 10, 1e-6, 10, 10));
  }
}
