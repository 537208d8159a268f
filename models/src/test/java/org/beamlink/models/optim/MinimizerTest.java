package org.beamlink.models.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.beamlink.models.StopReason;
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
    Minimizer m =
        run(new Lbfgs(new double[] {-1.2, 1.0}, Penalty.none(2), 200, 1e-14, 1000, 10), true);
    assertArrayEquals(new double[] {1.0, 1.0}, m.solution(), 1e-6, m.stopMessage());
    assertTrue(m.iterations() < 60, "iterations " + m.iterations());
    assertTrue(m.evaluations() < 1.5 * m.iterations() + 10, "evaluations " + m.evaluations());
  }

  @Test
  void lossCurveStartsAtTheStartAndDecreases() {
    Minimizer m =
        run(new Lbfgs(new double[] {-1.2, 1.0}, Penalty.none(2), 200, 1e-14, 1000, 10), true);
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
    Minimizer m = run(new Lbfgs(new double[] {-1.2, 1.0}, Penalty.none(2), 3, 0.0, 1000, 10), true);
    assertEquals(3, m.iterations());
    assertEquals(StopReason.MAX_ITER, m.stopReason(), m.stopMessage());
  }

  @Test
  void owlqnSoftThresholdsSeparableQuadratic() {
    double l1 = 0.6;
    Minimizer m =
        run(
            new OwlQn(
                new double[4],
                Penalty.of(new double[] {l1, l1, l1, l1}, new double[4]),
                100,
                1e-15,
                1000,
                10),
            false);
    // argmin c (x - t)^2 / 2 + l1 |x| = sign(t) max(|t| - l1 / c, 0)
    double[] expected = new double[4];
    for (int i = 0; i < 4; i++) {
      expected[i] = Math.signum(T[i]) * Math.max(Math.abs(T[i]) - l1 / C[i], 0);
    }
    assertArrayEquals(expected, m.solution(), 1e-9, m.stopMessage());
    assertEquals(0.0, m.solution()[1], "a coordinate below the threshold must be exactly zero");
  }

  @Test
  void newtonSolvesQuadraticInOneStep() {
    Minimizer m = run(new Newton(new double[4], Penalty.none(4), 100, 1e-12, 100), false);
    assertArrayEquals(T, m.solution(), 1e-12);
    assertTrue(m.iterations() <= 2, "iterations " + m.iterations());
  }

  @Test
  void sgdWithFullBatchApproachesQuadraticMinimum() {
    Minimizer m = run(new Sgd(new double[4], Penalty.none(4), 2000, 0.0, 0.2, 1.0), false);
    assertArrayEquals(T, m.solution(), 1e-3);
    assertEquals(2000, m.iterations());
  }

  @Test
  void sgdProximalStepZeroesSmallCoordinates() {
    double l1 = 0.6;
    Minimizer m =
        run(
            new Sgd(
                new double[4],
                Penalty.of(new double[] {l1, l1, l1, l1}, new double[4]),
                3000,
                0.0,
                0.2,
                1.0),
            false);
    assertEquals(0.0, m.solution()[1]);
    assertEquals(3.0 - 0.6, m.solution()[0], 1e-3);
  }

  @Test
  void rejectsNaNObjective() {
    Minimizer m = new Lbfgs(new double[2], Penalty.none(2), 10, 1e-6, 100, 10);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> m.tell(Double.NaN, new double[2], null));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }

  @Test
  void rejectsBadParameters() {
    Penalty none = Penalty.none(2);
    assertThrows(
        IllegalArgumentException.class, () -> new Lbfgs(new double[2], none, 0, 1e-6, 10, 10));
    assertThrows(
        IllegalArgumentException.class, () -> Penalty.of(new double[] {-1, 0}, new double[2]));
    assertThrows(
        IllegalArgumentException.class, () -> new Sgd(new double[2], none, 10, 1e-6, 1.0, 0.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Lbfgs(new double[] {Double.NaN}, Penalty.none(1), 10, 1e-6, 10, 10));
    assertThrows(
        IllegalArgumentException.class, () -> new Lbfgs(new double[3], none, 10, 1e-6, 10, 10));
  }

  /** L-BFGS and Newton minimize smooth objectives: an L1 penalty is OWL-QN's or SGD's job. */
  @Test
  void smoothMinimizersRejectAnL1Penalty() {
    Penalty l1 = Penalty.of(new double[] {0.1, 0.0}, new double[2]);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Lbfgs(new double[2], l1, 10, 1e-6, 10, 10));
    assertTrue(e.getMessage().contains("OWL-QN"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Newton(new double[2], l1, 10, 1e-6, 10));
  }

  /**
   * The minimizer adds the L2 penalty itself: {@code c (x - t)^2 / 2 + l2 x^2 / 2} has its minimum
   * at {@code c t / (c + l2)}, for every minimizer, with the penalty in the loss it reports.
   */
  @Test
  void everyMinimizerAddsTheL2Penalty() {
    double[] l2 = {1.0, 0.5, 2.0, 0.0};
    Penalty penalty = Penalty.of(new double[4], l2);
    double[] expected = new double[4];
    double f = 0;
    for (int i = 0; i < 4; i++) {
      expected[i] = C[i] * T[i] / (C[i] + l2[i]);
      f +=
          0.5 * C[i] * (expected[i] - T[i]) * (expected[i] - T[i])
              + 0.5 * l2[i] * expected[i] * expected[i];
    }
    for (Minimizer m :
        List.of(
            new Lbfgs(new double[4], penalty, 200, 1e-14, 1000, 10),
            new OwlQn(new double[4], penalty, 200, 1e-14, 1000, 10),
            new Newton(new double[4], penalty, 100, 1e-14, 100))) {
      run(m, false);
      assertArrayEquals(expected, m.solution(), 1e-9, m.getClass().getSimpleName());
      assertEquals(f, m.loss(), 1e-12, m.getClass().getSimpleName());
    }
  }

  /**
   * {@code 1 + sum_i c_i x_i^2 / 2} over 50 coordinates with curvatures from 1 down to 1e-6 (the
   * condition of the collinear data of issue 18), from {@code x_i = 1 / sqrt(c_i)}: L-BFGS makes
   * slow progress for thousands of iterations. The one-step rule this library used before (stop
   * when one iteration changes the loss by at most {@code tol * max(|f|, 1)}) stopped at 1.00198,
   * 2e-3 above the minimum 1; the windowed rule goes on to within 1e-4 of it. A run cut at 100
   * iterations says MAX_ITER and how large the gradient still is.
   */
  @Test
  void lossChangeOverTenIterationsDoesNotStopOnASlowStretch() {
    int n = 50;
    double[] c = new double[n];
    double[] x0 = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = Math.pow(10, -6.0 * i / (n - 1));
      x0[i] = 1 / Math.sqrt(c[i]);
    }
    Minimizer full = runQuadratic(new Lbfgs(x0, Penalty.none(n), 5000, 1e-6, 15000, 10), c);
    double[] curve = full.lossCurve();
    int oneStep = 1;
    while (Math.abs(curve[oneStep - 1] - curve[oneStep])
        > 1e-6 * Math.max(Math.max(curve[oneStep - 1], curve[oneStep]), 1.0)) {
      oneStep++;
    }
    assertEquals(StopReason.LOSS_CHANGE, full.stopReason(), full.stopMessage());
    assertTrue(curve[oneStep] - 1 > 1e-3, "one-step rule at " + curve[oneStep]);
    assertTrue(full.loss() - 1 < 1e-4, full.stopMessage());
    assertTrue(full.iterations() > oneStep, oneStep + " vs " + full.iterations());

    Minimizer cut = runQuadratic(new Lbfgs(x0, Penalty.none(n), 100, 1e-6, 300, 10), c);
    assertEquals(StopReason.MAX_ITER, cut.stopReason());
    assertEquals(100, cut.iterations());
    assertTrue(cut.gradientNorm() > 1e-3 * cut.loss(), cut.stopMessage());
  }

  /** The loss-change rule needs 10 iterations: a first step that barely helps does not stop it. */
  @Test
  void lossChangeIsNotJudgedBeforeTenIterations() {
    // f = 1 + 1e-4 x^2 / 2 from x = 1: the gradient (1e-4) is well above tol * f, but every step
    // lowers f by about 1e-8, a hundredth of tol * f
    double[] c = {1e-4};
    Minimizer m = runQuadratic(new Sgd(new double[] {1.0}, Penalty.none(1), 50, 1e-6, 1.0, 1.0), c);
    assertEquals(StopReason.LOSS_CHANGE, m.stopReason(), m.stopMessage());
    assertEquals(Minimizer.LOSS_WINDOW, m.iterations());
  }

  private static Minimizer runQuadratic(Minimizer m, double[] curvature) {
    while (!m.done()) {
      double[] x = m.point();
      double[] g = new double[x.length];
      double f = 1;
      for (int i = 0; i < x.length; i++) {
        f += 0.5 * curvature[i] * x[i] * x[i];
        g[i] = curvature[i] * x[i];
      }
      m.tell(f, g, null);
    }
    return m;
  }

  @Test
  void sgdFailsClearlyWhenItDiverges() {
    // f = 50 x^2 with steps of 1 / sqrt(t): each step multiplies x by about -99
    Minimizer m = new Sgd(new double[] {1.0}, Penalty.none(1), 1000, 0.0, 1.0, 1.0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> {
              while (!m.done()) {
                double x = m.point()[0];
                m.tell(50 * x * x, new double[] {100 * x}, null);
              }
            });
    assertTrue(e.getMessage().contains("diverged"), e.getMessage());
    assertTrue(e.getMessage().contains("stepSize"), e.getMessage());
  }
}
