"""Reference gradient-boosted regression trees for GbtFitTest (scikit-learn as the oracle).

Run from this directory with Debian's Python:
    /usr/bin/python3 gbt_reference.py
Written with scikit-learn 1.2.1, numpy 1.24.2 (versions stored in gbt_reference.json).
Writes ../linear/gbt_generated.csv (a generated set with a known truth) and gbt_reference.json.

Each case fits HistGradientBoostingRegressor (loss squared_error, max_leaf_nodes=None so every
node grows to max_depth as a level-wise tree does, early_stopping=False, max_bins 255 with every
feature holding at most 255 distinct values, so bins are one per distinct value and thresholds
midpoints, as Beamlink's with maxBins >= distinct values) on the first rows and records: the
baseline (mean label), the training loss after each round (half the mean squared error, the loss
scikit-learn minimises, round 0 being the baseline alone) from staged_predict, the predictions
on the held-out rows and their R^2.

Diabetes: feature f5 is left out, since it has 302 distinct values and scikit-learn's quantile
bins for it would differ from Beamlink's. Generated: x0, x1, x2 on a grid of 100 values in
[0, 1), y = 4 x0 + 3 [x1 > 0.5] + noise N(0, 0.1^2); x2 is noise. The best R^2 any model
reaches on it is 1 - 0.01 / var(y).

Breast cancer (classifier, 400 training rows, 169 held out): every feature has more than 255
distinct values, so scikit-learn bins them by quantiles (max_bins 255, its limit) while the test
gives Beamlink a bin per distinct value; the mean log loss per round and the held-out AUC of the
decision function are recorded, to be matched within a tolerance, not exactly.
"""
import json

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import r2_score, roc_auc_score


def case(X, y, n_train, rounds, depth, lr, l2, leaf):
    m = HistGradientBoostingRegressor(
        loss="squared_error", max_iter=rounds, max_depth=depth, learning_rate=lr,
        l2_regularization=l2, min_samples_leaf=leaf, max_leaf_nodes=None, max_bins=255,
        early_stopping=False, random_state=0)
    Xt, yt, Xh, yh = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    m.fit(Xt, yt)
    base = float(m._baseline_prediction.ravel()[0])
    losses = [float(0.5 * np.mean((yt - base) ** 2))]
    for p in m.staged_predict(Xt):
        losses.append(float(0.5 * np.mean((yt - p) ** 2)))
    pred = m.predict(Xh)
    return {
        "rounds": rounds, "maxDepth": depth, "learningRate": lr, "l2": l2,
        "minInstancesPerNode": leaf, "trainRows": n_train, "baseScore": base,
        "trainLoss": losses, "heldOutPredictions": pred.tolist(),
        "heldOutR2": float(r2_score(yh, pred)),
    }


def classifier_case(X, y, n_train, rounds, depth, lr, l2, leaf):
    m = HistGradientBoostingClassifier(
        loss="log_loss", max_iter=rounds, max_depth=depth, learning_rate=lr,
        l2_regularization=l2, min_samples_leaf=leaf, max_leaf_nodes=None, max_bins=255,
        early_stopping=False, random_state=0)
    Xt, yt, Xh, yh = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    m.fit(Xt, yt)
    base = float(m._baseline_prediction.ravel()[0])

    def log_loss(s):
        return float(np.mean(np.logaddexp(0, s) - yt * s))

    losses = [log_loss(np.full(len(yt), base))]
    for s in m.staged_decision_function(Xt):
        losses.append(log_loss(s))
    return {
        "rounds": rounds, "maxDepth": depth, "learningRate": lr, "l2": l2,
        "minInstancesPerNode": leaf, "trainRows": n_train, "baseScore": base,
        "trainLoss": losses, "heldOutAuc": float(roc_auc_score(yh, m.decision_function(Xh))),
    }


def main():
    db = pd.read_csv("../linear/diabetes.csv")
    cols = [c for c in db.columns if c not in ("label", "f5")]
    assert db[cols].nunique().max() <= 255
    cases = {"diabetes": dict(case(db[cols].to_numpy(), db["label"].to_numpy(), 342,
                                   20, 3, 0.1, 1.0, 5), features=cols)}
    rng = np.random.default_rng(22)
    n = 1000
    X = rng.integers(0, 100, size=(n, 3)) / 100.0
    y = 4 * X[:, 0] + 3 * (X[:, 1] > 0.5) + rng.normal(0, 0.1, n)
    pd.DataFrame({"f0": X[:, 0], "f1": X[:, 1], "f2": X[:, 2], "label": y}).to_csv(
        "../linear/gbt_generated.csv", index=False, float_format="%.17g")
    gen = pd.read_csv("../linear/gbt_generated.csv")
    g = case(gen[["f0", "f1", "f2"]].to_numpy(), gen["label"].to_numpy(), 800, 50, 3, 0.3, 0.0, 10)
    g["features"] = ["f0", "f1", "f2"]
    g["bestR2"] = float(1 - 0.01 / np.var(gen["label"].to_numpy()[800:]))
    cases["generated"] = g
    bc = pd.read_csv("../linear/breast_cancer.csv")
    bcols = [c for c in bc.columns if c != "label"]
    b = classifier_case(bc[bcols].to_numpy(), bc["label"].to_numpy(), 400, 20, 3, 0.1, 0.0, 5)
    b["features"] = bcols
    cases["breast_cancer"] = b
    out = {"versions": {"sklearn": sklearn.__version__, "numpy": np.__version__}, "cases": cases}
    with open("gbt_reference.json", "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
