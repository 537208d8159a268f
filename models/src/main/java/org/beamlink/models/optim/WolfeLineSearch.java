package org.beamlink.models.optim;

import java.io.Serializable;

/**
 * A line search for the strong Wolfe conditions (Nocedal and Wright, Algorithms 3.5 and 3.6:
 * bracketing, then zooming with safeguarded cubic interpolation), in reverse communication: {@link
 * #alpha()} is the step to try, {@link #tell} gives the objective and its directional derivative
 * there. Constants {@code c1 = 1e-4}, {@code c2 = 0.9}, as for quasi-Newton methods.
 */
final class WolfeLineSearch implements Serializable {
  private static final long serialVersionUID = 1L;

  static final int MAX_TRIALS = 25;
  private static final double C1 = 1e-4;
  private static final double C2 = 0.9;

  /** What to do after a trial. */
  enum Status {
    ACCEPT,
    CONTINUE,
    FAIL
  }

  private final double f0;
  private final double dg0;
  private double alpha;
  private int trials;
  private boolean zooming;
  private double prevAlpha;
  private double prevF;
  private double prevDg;
  private double lo;
  private double flo;
  private double dglo;
  private double hi;
  private double fhi;
  private double dghi;

  /** A search from value {@code f0} with slope {@code dg0 < 0}, first trying {@code alpha0}. */
  WolfeLineSearch(double f0, double dg0, double alpha0) {
    this.f0 = f0;
    this.dg0 = dg0;
    this.alpha = alpha0;
    this.prevF = f0;
    this.prevDg = dg0;
  }

  /** The step to evaluate. */
  double alpha() {
    return alpha;
  }

  /** True when the step {@code a} with value {@code f} decreases the objective enough. */
  boolean sufficientDecrease(double a, double f) {
    return f <= f0 + C1 * a * dg0;
  }

  Status tell(double f, double dg) {
    trials++;
    Status status = zooming ? zoomStep(f, dg) : bracketStep(f, dg);
    if (status == Status.CONTINUE && (trials >= MAX_TRIALS || !(alpha > 0) || tooNarrow())) {
      return Status.FAIL;
    }
    return status;
  }

  private Status bracketStep(double f, double dg) {
    if (!Double.isFinite(f) || !sufficientDecrease(alpha, f) || (trials > 1 && f >= prevF)) {
      if (!Double.isFinite(f) && trials == 1) {
        // An overflowing first step: shrink until the objective is finite again.
        alpha *= 0.1;
        return Status.CONTINUE;
      }
      return startZoom(prevAlpha, prevF, prevDg, alpha, f, dg);
    }
    if (Math.abs(dg) <= -C2 * dg0) {
      return Status.ACCEPT;
    }
    if (dg >= 0) {
      return startZoom(alpha, f, dg, prevAlpha, prevF, prevDg);
    }
    prevAlpha = alpha;
    prevF = f;
    prevDg = dg;
    alpha *= 2.0;
    return Status.CONTINUE;
  }

  private Status startZoom(
      double aLo, double fLo, double dgLo, double aHi, double fHi, double dgHi) {
    zooming = true;
    lo = aLo;
    flo = fLo;
    dglo = dgLo;
    hi = aHi;
    fhi = fHi;
    dghi = dgHi;
    alpha = interpolate();
    return Status.CONTINUE;
  }

  private Status zoomStep(double f, double dg) {
    if (!Double.isFinite(f) || !sufficientDecrease(alpha, f) || f >= flo) {
      hi = alpha;
      fhi = f;
      dghi = dg;
    } else {
      if (Math.abs(dg) <= -C2 * dg0) {
        return Status.ACCEPT;
      }
      if (dg * (hi - lo) >= 0) {
        hi = lo;
        fhi = flo;
        dghi = dglo;
      }
      lo = alpha;
      flo = f;
      dglo = dg;
    }
    alpha = interpolate();
    return Status.CONTINUE;
  }

  private boolean tooNarrow() {
    return zooming && Math.abs(hi - lo) <= 1e-14 * Math.max(Math.abs(lo), Math.abs(hi));
  }

  /** The minimiser of the cubic through lo and hi, kept inside the middle 80% of the interval. */
  private double interpolate() {
    double left = Math.min(lo, hi);
    double right = Math.max(lo, hi);
    double margin = 0.1 * (right - left);
    double candidate = Double.NaN;
    if (Double.isFinite(fhi) && Double.isFinite(dghi)) {
      double d1 = dglo + dghi - 3 * (flo - fhi) / (lo - hi);
      double disc = d1 * d1 - dglo * dghi;
      if (disc >= 0) {
        double d2 = Math.signum(hi - lo) * Math.sqrt(disc);
        candidate = hi - (hi - lo) * (dghi + d2 - d1) / (dghi - dglo + 2 * d2);
      }
    }
    if (!Double.isFinite(candidate) || candidate < left + margin || candidate > right - margin) {
      return 0.5 * (lo + hi);
    }
    return candidate;
  }
}
