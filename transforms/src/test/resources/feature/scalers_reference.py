"""Reference numbers for the feature-transform tests (scikit-learn / numpy as the oracle).

Run from this directory with Debian's Python:
    /usr/bin/python3 scalers_reference.py
Written with scikit-learn 1.2.1, numpy 1.24.2 (the versions found at run time
are stored in scalers_reference.json under "versions"). Reads ../clustering/iris.csv
and ../linear/diabetes.csv; writes scalers_reference.json. Deterministic.

Mappings to the Java transforms (Spark ML semantics where they differ):
  StandardScaler: sklearn's scale_ is the population std (ddof=0); Beamlink, as
    Spark, divides by the sample std (ddof=1), so the reference "std_ddof1" is
    numpy std(ddof=1) (= scale_ * sqrt(n/(n-1))) and the transformed rows use it.
  MinMaxScaler: the same as sklearn for non-constant columns.
  MaxAbsScaler, Normalizer (l1, l2, max), Binarizer: the same as sklearn.
  SimpleImputer: missing = NaN. Iris with value (i, j) blanked when
    (7 i + 13 j) % 10 == 0. Median: sklearn's exact median (the mean of the two
    middle values for an even count); Beamlink's approximate median is one
    element within the stated rank error, and the test checks against
    "median_low"/"median_high" (the two middle order statistics).
  QuantileDiscretizer: numpy.quantile (linear interpolation) of diabetes
    column f2 at k/4, k = 1..3, and at k/10, k = 1..9.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import (Binarizer, MaxAbsScaler, MinMaxScaler,
                                   Normalizer, StandardScaler)

HERE = os.path.dirname(os.path.abspath(__file__))


def iris():
    rows = np.genfromtxt(os.path.join(HERE, "..", "clustering", "iris.csv"),
                         delimiter=",", skip_header=1, usecols=(0, 1, 2, 3))
    return rows


def diabetes():
    return np.genfromtxt(os.path.join(HERE, "..", "linear", "diabetes.csv"),
                         delimiter=",", skip_header=1)


def main():
    X = iris()
    n = X.shape[0]
    out = {"versions": {"sklearn": sklearn.__version__, "numpy": np.__version__}}
    first = X[:5]

    ss = StandardScaler().fit(X)
    std1 = X.std(axis=0, ddof=1)
    assert np.allclose(std1, ss.scale_ * np.sqrt(n / (n - 1)))
    out["standard"] = {
        "mean": ss.mean_.tolist(),
        "std_ddof1": std1.tolist(),
        "sklearn_scale_ddof0": ss.scale_.tolist(),
        "first5_with_mean": ((first - ss.mean_) / std1).tolist(),
        "first5_without_mean": (first / std1).tolist(),
    }

    mm = MinMaxScaler().fit(X)
    mm2 = MinMaxScaler(feature_range=(-1, 1)).fit(X)
    out["minmax"] = {
        "data_min": mm.data_min_.tolist(),
        "data_max": mm.data_max_.tolist(),
        "first5": mm.transform(first).tolist(),
        "first5_range_minus1_1": mm2.transform(first).tolist(),
    }

    ma = MaxAbsScaler().fit(X)
    out["maxabs"] = {"max_abs": ma.max_abs_.tolist(), "first5": ma.transform(first).tolist()}

    out["normalizer"] = {
        norm: Normalizer(norm=norm).transform(first).tolist() for norm in ("l1", "l2", "max")
    }
    out["binarizer"] = {"threshold": 3.0,
                        "first5": Binarizer(threshold=3.0).transform(first).tolist()}

    blanked = X.copy()
    for i in range(n):
        for j in range(4):
            if (7 * i + 13 * j) % 10 == 0:
                blanked[i, j] = np.nan
    imp = {}
    for strategy in ("mean", "median", "most_frequent"):
        imp[strategy] = SimpleImputer(strategy=strategy).fit(blanked).statistics_.tolist()
    imp["constant"] = SimpleImputer(strategy="constant", fill_value=-1.0).fit(
        blanked).statistics_.tolist()
    lows, highs = [], []
    for j in range(4):
        col = np.sort(blanked[~np.isnan(blanked[:, j]), j])
        m = len(col)
        lows.append(float(col[(m - 1) // 2]))
        highs.append(float(col[m // 2]))
    imp["median_low"] = lows
    imp["median_high"] = highs
    imp["missing_per_column"] = np.isnan(blanked).sum(axis=0).tolist()
    out["imputer"] = imp

    bmi = diabetes()[:, 2]
    out["quantiles"] = {
        "column": "f2",
        "rows": int(len(bmi)),
        "quartiles": np.quantile(bmi, [0.25, 0.5, 0.75]).tolist(),
        "deciles": np.quantile(bmi, [k / 10 for k in range(1, 10)]).tolist(),
    }

    with open(os.path.join(HERE, "scalers_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
