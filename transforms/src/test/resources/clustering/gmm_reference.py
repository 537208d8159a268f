# Reference numbers for the Beamlink GaussianMixture tests.
#
# Run with Debian's scikit-learn 1.2.1 (the first python3 on PATH has none):
#     /usr/bin/python3 gmm_reference.py
#
# Writes, beside this script:
#   - wine.csv: scikit-learn's bundled wine data (178 rows, 13 features, class 0-2)
#   - gmm_mixture.csv: 600 points of a known 2-D mixture of three Gaussians
#     (numpy seed 25; the true weights, means and covariances are in the JSON)
#   - gmm_reference.json: for each case, the initial means, the fitted weights_,
#     means_, covariances_, lower_bound_ (the mean log-likelihood of the last
#     E step) and n_iter_, and the membership probabilities of a few rows.
#
# How the start is made the same as Beamlink's: Beamlink starts EM from given means
# and derives the initial weights and covariances from the hard assignment of every
# row to its nearest initial mean (resp one-hot), as scikit-learn's _initialize does
# from the resp of its own k-means start. scikit-learn 1.2.1 has no init_params that
# assigns to means_init, so the script computes that resp, derives the weights and
# covariances with scikit-learn's own _estimate_gaussian_parameters (n_k + 10 eps,
# covariances about the resp means, plus reg_covar) and passes all three as
# weights_init, means_init and precisions_init. The EM iterations are then
# scikit-learn's, unchanged.
# Floats are written by the json module (repr), so they round-trip exactly.

import csv
import json
import os

import numpy as np
import sklearn
from sklearn.datasets import load_wine
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

HERE = os.path.dirname(os.path.abspath(__file__))


def read_iris():
    with open(os.path.join(HERE, "iris.csv"), newline="") as f:
        reader = csv.reader(f)
        next(reader)
        return np.array([[float(v) for v in r[:4]] for r in reader])


def write_wine():
    wine = load_wine()
    names = [n.replace("/", "_") for n in wine.feature_names]
    with open(os.path.join(HERE, "wine.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(names + ["class"])
        for x, y in zip(wine.data, wine.target):
            w.writerow([repr(float(v)) for v in x] + [int(y)])
    return wine.data


TRUE_WEIGHTS = [0.5, 0.3, 0.2]
TRUE_MEANS = [[0.0, 0.0], [6.0, 1.0], [1.0, 7.0]]
TRUE_COVS = [[[1.0, 0.6], [0.6, 2.0]], [[1.5, -0.7], [-0.7, 1.0]], [[0.5, 0.0], [0.0, 0.5]]]


def write_mixture():
    rng = np.random.default_rng(25)
    n = 600
    counts = [int(w * n) for w in TRUE_WEIGHTS]
    x = np.vstack([rng.multivariate_normal(TRUE_MEANS[c], TRUE_COVS[c], size=counts[c])
                   for c in range(3)])
    with open(os.path.join(HERE, "gmm_mixture.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["x", "y", "component"])
        for c in range(3):
            for row in x[sum(counts[:c]):sum(counts[:c + 1])]:
                w.writerow([repr(float(row[0])), repr(float(row[1])), c])
    return x


def fit(x, init_rows, covariance_type, tol, max_iter, reg_covar=1e-6, probe_rows=(0, 1, 2)):
    means_init = x[list(init_rows)]
    d2 = ((x[:, None, :] - means_init[None, :, :]) ** 2).sum(axis=2)
    resp = np.zeros((x.shape[0], len(init_rows)))
    resp[np.arange(x.shape[0]), d2.argmin(axis=1)] = 1.0
    weights, _, covariances = _estimate_gaussian_parameters(x, resp, reg_covar, covariance_type)
    weights /= weights.sum()
    precisions = 1.0 / covariances if covariance_type == "diag" else np.linalg.inv(covariances)
    gm = GaussianMixture(n_components=len(init_rows), covariance_type=covariance_type,
                         tol=tol, reg_covar=reg_covar, max_iter=max_iter, n_init=1,
                         weights_init=weights, means_init=means_init,
                         precisions_init=precisions)
    gm.fit(x)
    covs = gm.covariances_
    if covariance_type == "diag":
        covs = np.array([np.diag(c) for c in covs])
    return {
        "init_rows": list(init_rows),
        "covariance_type": covariance_type,
        "tol": tol,
        "max_iter": max_iter,
        "reg_covar": reg_covar,
        "init_weights": weights.tolist(),
        "weights": gm.weights_.tolist(),
        "means": gm.means_.tolist(),
        "covariances": covs.tolist(),
        "lower_bound": float(gm.lower_bound_),
        "n_iter": int(gm.n_iter_),
        "converged": bool(gm.converged_),
        "mean_log_likelihood": float(gm.score(x)),
        "probe_rows": list(probe_rows),
        "probe_proba": gm.predict_proba(x[list(probe_rows)]).tolist(),
        "probe_labels": gm.predict(x[list(probe_rows)]).tolist(),
    }


def main():
    iris = read_iris()
    wine = write_wine()
    mixture = write_mixture()
    out = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "iris_full": fit(iris, (0, 50, 100), "full", 1e-6, 200, probe_rows=(0, 70, 77, 133)),
        "iris_diag": fit(iris, (0, 50, 100), "diag", 1e-6, 200, probe_rows=(0, 70, 77, 133)),
        "wine_full": fit(wine, (0, 59, 130), "full", 1e-6, 200),
        "mixture_full": fit(mixture, (0, 300, 480), "full", 1e-8, 200),
        "mixture_truth": {"weights": TRUE_WEIGHTS, "means": TRUE_MEANS,
                          "covariances": TRUE_COVS},
    }
    with open(os.path.join(HERE, "gmm_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for name in ("iris_full", "iris_diag", "wine_full", "mixture_full"):
        r = out[name]
        print(name, "n_iter", r["n_iter"], "converged", r["converged"],
              "lower_bound", r["lower_bound"], "weights", r["weights"])


if __name__ == "__main__":
    main()
