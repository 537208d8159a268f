"""Reference numbers for exact least squares on ill-conditioned data (issue 18).

Run from this directory with Debian's Python:
    /usr/bin/python3 collinear_reference.py
Written with scikit-learn 1.2.1, scipy 1.10.1, numpy 1.24.2 (the versions found at run time are
stored in collinear_reference.json under "versions"). Writes collinear_reference.json only: the
data are generated, bit for bit the same, by CollinearData.java in the tests.

The objective is linear_reference.py's (the Java library's):
  F(beta, b) = (1/W) sum_i w_i (x_i.beta + b - y_i)^2 / 2
               + l1 sum_j s_j |beta_j| + (l2/2) sum_j (s_j beta_j)^2
with s_j = 1 without standardization and the sample standard deviation (ddof=1, weighted as the
library does) with it. Ridge(alpha) is l2 = alpha/n, ElasticNet(alpha, l1_ratio=r) is
l1 = alpha r, l2 = alpha (1 - r).

The data ("collinear", n rows, 10 features): row i draws 10 uniforms u1..u10 from
SplittableRandom(18 * 0x9E3779B97F4A7C15 + i) (nextDouble) and sets
  z  = 4 u1 + 1                       x0 = z
  x1 = 2 z + 0.01 (2 u2 - 1)          x2 = -1.5 z + 0.01 (2 u3 - 1)     x3 = 0.5 z + 0.01 (2 u4 - 1)
  x4 = 20 u5 + 40                     x5 = 2 u6 - 1                     x6 = 0.5 x5 + 0.5 (2 u7 - 1)
  c  = floor(4 u8); x7, x8, x9 = one-hot of c = 1, 2, 3 (level 0 dropped, as Spark's dropLast)
  y  = 1 + x0 + 0.5 x1 - 0.2 x2 + 0.3 x3 + 0.05 x4 + 2 x5 - x6 + 1.5 x7 - 0.5 x8 + 0.8 x9
       + (2 u9 - 1)
  weight = 0.5 + u10 (used by the weighted case only)
x1, x2 and x3 are x0 times constants plus noise of 1/200 of their spread: the correlation matrix
has condition number ~1e6, the trap of issue 18 (L-BFGS stops on a small relative loss change far
from the optimum), while the normal equations still determine the coefficients to ~1e-10.

Every case gives sklearn's coefficients and a direct solve of the centered normal equations
(numpy.linalg.solve), their largest difference, F at sklearn's solution (numpy, as
linear_reference.py), R^2 and the condition number of the correlation matrix.

Case "logistic" checks a classifier for the same trap: the label y > 11.5 (48.6% positive, no
row within 3e-4 of the threshold), unpenalized logistic regression by Newton's method
(newton-cholesky) to tol 1e-14; F is the mean log-loss at its solution.
"""
import json

import numpy as np
import scipy
import sklearn
from scipy.special import expit
from sklearn.linear_model import ElasticNet, LinearRegression, LogisticRegression, Ridge

from linear_reference import GAMMA, M64, fl, mix64

SEED = 18
N = 20000


def generate(n):
    """(X, y, w) of the collinear data, as CollinearData.java makes them."""
    assert int(mix64(np.array([GAMMA], dtype=np.uint64))[0]) == 0xE220A8397B1DCDAF
    s = np.uint64((SEED * GAMMA) % (1 << 64)) + np.arange(n, dtype=np.uint64)

    def u(k):
        with np.errstate(over="ignore"):
            st = s + np.uint64((k * GAMMA) & M64)
        return (mix64(st) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53

    z = 4.0 * u(1) + 1.0
    x0 = z
    x1 = 2.0 * z + 0.01 * (2.0 * u(2) - 1.0)
    x2 = -1.5 * z + 0.01 * (2.0 * u(3) - 1.0)
    x3 = 0.5 * z + 0.01 * (2.0 * u(4) - 1.0)
    x4 = 20.0 * u(5) + 40.0
    x5 = 2.0 * u(6) - 1.0
    x6 = 0.5 * x5 + 0.5 * (2.0 * u(7) - 1.0)
    c = np.floor(4.0 * u(8))
    x7, x8, x9 = (c == 1).astype(float), (c == 2).astype(float), (c == 3).astype(float)
    # the same order of additions as the Java expression
    y = 1.0 + x0 + 0.5 * x1 - 0.2 * x2 + 0.3 * x3 + 0.05 * x4 + 2.0 * x5 - x6
    y = y + 1.5 * x7 - 0.5 * x8 + 0.8 * x9 + (2.0 * u(9) - 1.0)
    w = 0.5 + u(10)
    return np.column_stack([x0, x1, x2, x3, x4, x5, x6, x7, x8, x9]), y, w


def std_ddof1(X, w):
    """The library's weighted sample standard deviation (correction W - sum w^2 / W)."""
    W = w.sum()
    mean = w @ X / W
    return np.sqrt(w @ (X - mean) ** 2 / (W - (w @ w) / W))


def objective(X, y, w, beta, b, l1, l2, s):
    r = X @ beta + b - y
    return (w @ (0.5 * r * r)) / w.sum() + l1 * np.sum(s * np.abs(beta)) \
        + 0.5 * l2 * np.sum((s * beta) ** 2)


def gradient_norm(X, y, w, beta, b, l1, l2, s):
    """|grad F| over (s * beta, b), the coordinates the library's minimizers work in; with L1,
    the norm of the minimum-norm subgradient (OWL-QN's pseudo-gradient)."""
    r = X @ beta + b - y
    W = w.sum()
    theta = s * beta
    g = (X.T @ (w * r)) / W / np.where(s > 0, s, 1.0) + l2 * theta
    g = np.where(theta != 0, g + l1 * np.sign(theta), np.sign(g) * np.maximum(np.abs(g) - l1, 0))
    return float(np.sqrt(g @ g + ((w @ r) / W) ** 2))


def r2(X, y, w, beta, b):
    r = y - X @ beta - b
    ybar = w @ y / w.sum()
    return float(1.0 - (w @ (r * r)) / (w @ ((y - ybar) ** 2)))


def normal_equations(X, y, w, l2, s):
    """The centered weighted normal equations, solved directly: (C + l2 S^2) beta = c."""
    W = w.sum()
    mx, my = w @ X / W, w @ y / W
    Xc, yc = X - mx, y - my
    C = (Xc * w[:, None]).T @ Xc / W
    c = Xc.T @ (w * yc) / W
    beta = np.linalg.solve(C + l2 * np.diag(s * s), c)
    return beta, my - mx @ beta


def correlation_condition(X, w):
    W = w.sum()
    Xc = X - w @ X / W
    C = (Xc * w[:, None]).T @ Xc / W
    d = np.sqrt(np.diag(C))
    return float(np.linalg.cond(C / np.outer(d, d)))


def case(name, call, X, y, w, beta, b, l1, l2, standardization, extra=None, solve=True):
    s = std_ddof1(X, w) if standardization else np.ones(X.shape[1])
    out = {"sklearn_call": call, "n": int(X.shape[0]), "d": int(X.shape[1]),
           "l1": l1, "l2": l2, "standardization": standardization,
           "weighted": bool(np.any(w != 1.0)),
           "coefficients": fl(beta), "intercept": float(b),
           "F": float(objective(X, y, w, beta, b, l1, l2, s)),
           "gradient_norm": gradient_norm(X, y, w, beta, b, l1, l2, s),
           "r2": r2(X, y, w, beta, b)}
    if l1 == 0.0 and solve:
        nb, nb0 = normal_equations(X, y, w, l2, s)
        out["normal_equations"] = {"coefficients": fl(nb), "intercept": float(nb0),
                                   "max_abs_diff_vs_sklearn": float(
                                       max(np.max(np.abs(nb - beta)), abs(nb0 - b)))}
    if extra:
        out.update(extra)
    OUT["cases"][name] = out
    print(f"{name}: F={out['F']!r} R2={out['r2']:.6f} |g|={out['gradient_norm']:.3g}")
    return out


OUT = {"versions": {"sklearn": sklearn.__version__, "scipy": scipy.__version__,
                    "numpy": np.__version__},
       "objective": "F = (1/W) sum_i w_i (x_i.beta+b-y_i)^2/2 + l1 sum_j s_j|beta_j|"
                    " + (l2/2) sum_j (s_j beta_j)^2", "cases": {}}


def main():
    X, y, w = generate(N)
    ones = np.ones(N)
    n = N
    OUT["data"] = {"seed": SEED, "n": n, "d": 10,
                   "first_rows": [{"features": fl(X[i]), "label": float(y[i]),
                                   "weight": float(w[i])} for i in range(3)],
                   "condition_number_of_correlation": correlation_condition(X, ones),
                   "label_mean": float(y.mean())}
    print("condition number", OUT["data"]["condition_number_of_correlation"])

    est = LinearRegression().fit(X, y)
    case("ols", "LinearRegression().fit(X, y)", X, y, ones, est.coef_, est.intercept_,
         0.0, 0.0, False)

    alpha = 1.0
    est = Ridge(alpha=alpha, solver="svd").fit(X, y)
    case("ridge", "Ridge(alpha=1.0, solver='svd').fit(X, y)", X, y, ones, est.coef_,
         est.intercept_, 0.0, alpha / n, False, {"alpha": alpha})

    # standardized ridge: Ridge on X / s with the same alpha, coefficients back over s
    alpha = 10.0
    s = std_ddof1(X, ones)
    est = Ridge(alpha=alpha, solver="svd").fit(X / s, y)
    case("ridge_std", "Ridge(alpha=10.0, solver='svd').fit(X / s, y)", X, y, ones,
         est.coef_ / s, est.intercept_, 0.0, alpha / n, True,
         {"alpha": alpha, "std_ddof1": fl(s)})

    est = LinearRegression().fit(X, y, sample_weight=w)
    case("ols_weighted", "LinearRegression().fit(X, y, sample_weight=w)", X, y, w,
         est.coef_, est.intercept_, 0.0, 0.0, False)

    alpha, ratio = 0.01, 0.5
    est = ElasticNet(alpha=alpha, l1_ratio=ratio, tol=1e-14, max_iter=10_000_000).fit(X, y)
    c = case("elasticnet", "ElasticNet(alpha=0.01, l1_ratio=0.5, tol=1e-14, "
             "max_iter=10000000).fit(X, y)", X, y, ones, est.coef_, est.intercept_,
             alpha * ratio, alpha * (1 - ratio), False,
             {"alpha": alpha, "l1_ratio": ratio, "iterations": int(est.n_iter_)})
    c["zero_coefficients"] = [j for j, v in enumerate(c["coefficients"]) if v == 0.0]

    t = (y > 11.5).astype(int)
    est = LogisticRegression(penalty=None, solver="newton-cholesky", tol=1e-14,
                             max_iter=1000).fit(X, t)
    beta, b = est.coef_.ravel(), float(est.intercept_[0])
    m = X @ beta + b
    p = expit(m)
    g = np.append(X.T @ (p - t) / n / X.std(axis=0, ddof=1), (p - t).mean())
    OUT["cases"]["logistic"] = {
        "sklearn_call": "LogisticRegression(penalty=None, solver='newton-cholesky', tol=1e-14, "
                        "max_iter=1000).fit(X, y > 11.5)",
        "n": n, "d": 10, "l1": 0.0, "l2": 0.0, "standardization": False, "threshold": 11.5,
        "count_label_1": int(t.sum()), "iterations": int(est.n_iter_[0]),
        "coefficients": fl(beta), "intercept": b,
        "F": float(np.mean(np.logaddexp(0.0, -(2.0 * t - 1.0) * m))),
        "gradient_norm_standardized": float(np.sqrt(g @ g))}
    print("logistic F", OUT["cases"]["logistic"]["F"], "iterations", est.n_iter_)

    # bad input, on the first 2000 rows
    m = 2000
    Xm, ym, om = X[:m], y[:m], np.ones(m)
    base = LinearRegression().fit(Xm, ym)
    case("ols_2000", "LinearRegression().fit(X[:2000], y[:2000])", Xm, ym, om, base.coef_,
         base.intercept_, 0.0, 0.0, False)
    # a constant column 2.5 appended: its centered column is zero, so its coefficient is 0
    Xk = np.column_stack([Xm, np.full(m, 2.5)])
    est = LinearRegression().fit(Xk, ym)
    case("constant_column", "LinearRegression().fit(column_stack([X[:2000], 2.5]), y[:2000])",
         Xk, ym, om, est.coef_, est.intercept_, 0.0, 0.0, False,
         {"note": "the constant column gets coefficient 0; the others are ols_2000's"},
         solve=False)
    # x5 appended again: X^T X is singular; the minimum-norm solution splits x5's coefficient
    Xd = np.column_stack([Xm, Xm[:, 5]])
    est = LinearRegression().fit(Xd, ym)
    OUT["cases"]["duplicate_column"] = {
        "sklearn_call": "LinearRegression().fit(column_stack([X[:2000], X[:2000, 5]]), "
                        "y[:2000])",
        "n": m, "d": 11, "l1": 0.0, "l2": 0.0, "standardization": False,
        "coefficients": fl(est.coef_), "intercept": float(est.intercept_),
        "F": float(objective(Xd, ym, om, est.coef_, est.intercept_, 0.0, 0.0,
                             np.ones(11))),
        "rank_of_centered_X": int(np.linalg.matrix_rank(Xd - Xd.mean(0))),
        "note": "minimum-norm least squares (lstsq); x5's ols_2000 coefficient halved "
                "between the two copies"}
    print("duplicate_column", OUT["cases"]["duplicate_column"]["coefficients"])
    # more features than rows: the first 8 rows, 10 features and an intercept. The minimum-norm
    # solution depends on the scale of the coefficients: the library's is minimal in the
    # coefficients of the standardized features (population standard deviations), as the
    # quasi-Newton fallback of Spark's WeightedLeastSquares converges to from zero.
    k = 8
    Xw, yw = X[:k], y[:k]
    sp = Xw.std(axis=0)
    est = LinearRegression().fit(Xw / sp, yw)
    OUT["cases"]["wide"] = {
        "sklearn_call": "LinearRegression().fit(X[:8] / X[:8].std(axis=0), y[:8]), "
                        "coefficients over the std",
        "n": k, "d": 10, "l1": 0.0, "l2": 0.0, "standardization": False,
        "coefficients": fl(est.coef_ / sp), "intercept": float(est.intercept_),
        "F": float(objective(Xw, yw, np.ones(k), est.coef_ / sp, est.intercept_, 0.0, 0.0,
                             np.ones(10))),
        "population_std": fl(sp),
        "rank_of_centered_X": int(np.linalg.matrix_rank(Xw - Xw.mean(0)))}
    print("wide F", OUT["cases"]["wide"]["F"])
    est = Ridge(alpha=1.0, solver="svd").fit(Xw, yw)
    case("wide_ridge", "Ridge(alpha=1.0, solver='svd').fit(X[:8], y[:8])", Xw, yw,
         np.ones(k), est.coef_, est.intercept_, 0.0, 1.0 / k, False, {"alpha": 1.0})

    with open("collinear_reference.json", "w") as f:
        json.dump(OUT, f, indent=1)


if __name__ == "__main__":
    main()
