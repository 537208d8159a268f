"""Reference random forests for the random forest tests (scikit-learn as the oracle).

Run from this directory with Debian's Python:
    /usr/bin/python3 forest_reference.py
Written with scikit-learn 1.2.1, numpy 1.24.2 (versions stored in forest_reference.json).
Reads breast_cancer.csv and diabetes.csv (../linear); writes forest_reference.json.

A forest's draws (bootstrap rows, feature subsets) differ between scikit-learn and Beamlink
(scikit-learn draws n rows with replacement per tree and a feature subset per node from its own
generator; Beamlink, as Spark, weighs each row Poisson(1) per tree and draws subsets from the seed,
the tree and the node), so no single fit can be matched exactly. Each case therefore fits the forest
with random_state 0..19 and records the mean, standard deviation, minimum and maximum of the
held-out score: a test compares Beamlink's score with the mean, within a tolerance derived from
that spread.

Breast cancer (classifier, first 400 rows to train, 169 held out): RandomForestClassifier with
n_estimators 50, criterion gini, max_depth 6, max_features "sqrt" (Spark's auto for
classification), bootstrap True, min_samples_leaf 1; held-out accuracy.
Diabetes (regressor, first 342 rows to train, 100 held out): RandomForestRegressor with
n_estimators 50, max_depth 6, max_features 1/3 (Spark's auto, onethird, for regression),
bootstrap True, min_samples_leaf 5; held-out R^2.
"""
import json

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, r2_score

SEEDS = range(20)


def spread(scores):
    s = np.array(scores)
    return {"mean": float(s.mean()), "std": float(s.std(ddof=1)), "min": float(s.min()),
            "max": float(s.max()), "scores": s.tolist()}


def classifier_case(X, y, n_train, trees, depth, features, leaf):
    Xt, yt, Xh, yh = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    scores = []
    for seed in SEEDS:
        m = RandomForestClassifier(n_estimators=trees, criterion="gini", max_depth=depth,
                                   max_features=features, bootstrap=True, min_samples_leaf=leaf,
                                   random_state=seed)
        m.fit(Xt, yt)
        scores.append(accuracy_score(yh, m.predict(Xh)))
    return {"numTrees": trees, "maxDepth": depth, "featureSubsetStrategy": features,
            "minInstancesPerNode": leaf, "trainRows": n_train, "heldOutAccuracy": spread(scores)}


def regressor_case(X, y, n_train, trees, depth, features, leaf):
    Xt, yt, Xh, yh = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    scores = []
    for seed in SEEDS:
        m = RandomForestRegressor(n_estimators=trees, max_depth=depth, max_features=features,
                                  bootstrap=True, min_samples_leaf=leaf, random_state=seed)
        m.fit(Xt, yt)
        scores.append(r2_score(yh, m.predict(Xh)))
    return {"numTrees": trees, "maxDepth": depth, "featureSubsetStrategy": "onethird",
            "minInstancesPerNode": leaf, "trainRows": n_train, "heldOutR2": spread(scores)}


def main():
    bc = pd.read_csv("../linear/breast_cancer.csv")
    bcols = [c for c in bc.columns if c != "label"]
    b = classifier_case(bc[bcols].to_numpy(), bc["label"].to_numpy(), 400, 50, 6, "sqrt", 1)
    b["features"] = bcols
    db = pd.read_csv("../linear/diabetes.csv")
    dcols = [c for c in db.columns if c != "label"]
    d = regressor_case(db[dcols].to_numpy(), db["label"].to_numpy(), 342, 50, 6, 1 / 3, 5)
    d["features"] = dcols
    out = {"versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
           "cases": {"breast_cancer": b, "diabetes": d}}
    with open("forest_reference.json", "w") as f:
        json.dump(out, f, indent=1)
    for name, c in out["cases"].items():
        key = "heldOutAccuracy" if "heldOutAccuracy" in c else "heldOutR2"
        print(name, key, {k: round(v, 4) for k, v in c[key].items() if k != "scores"})


main()
