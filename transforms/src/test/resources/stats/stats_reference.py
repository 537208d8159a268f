# Reference numbers for the Beamlink statistics tests (package org.beamlink.transforms.stats).
#
# Run with Debian's numpy and scipy (apt-get install python3-sklearn python3-scipy):
#     /usr/bin/python3 stats_reference.py
#
# Reads ../clustering/iris.csv and ../linear/diabetes.csv (the files the other tests use) and
# writes, beside this script:
#   - iris_categorical.csv: Iris with every measurement cut into integer bins (floor of the
#     value; petal_width as the strings w0, w1, w2), for the chi-square test of independence
#   - stats_reference.json:
#       "summary": per data set and column, numpy's count, mean, var(ddof=1), std(ddof=1), min,
#           max, sum, sum of |x|, sqrt(sum x^2), count_nonzero
#       "pearson": np.corrcoef per data set (columns in file order)
#       "spearman": scipy.stats.spearmanr(...).correlation (ranks with ties averaged)
#       "chi2": scipy.stats.chi2_contingency(table, correction=False) of each binned Iris
#           column against the species: statistic, p-value, degrees of freedom. No Yates
#           correction: it only applies to 2x2 tables, and Spark's ChiSquareTest has none.
#       "quantiles": np.quantile(x, q, method="inverted_cdf") of every Iris column
# Floats are written by the json module (repr), so they round-trip exactly.

import csv
import json
import os

import numpy as np
import scipy
import scipy.stats

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.dirname(HERE)
QUANTILES = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0]


def read_csv(path, numeric_columns):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [r for r in reader]
    names = header[:numeric_columns]
    X = np.array([[float(v) for v in r[:numeric_columns]] for r in rows], dtype=np.float64)
    rest = [r[numeric_columns:] for r in rows]
    return names, X, rest


def summary(names, X):
    out = {}
    for j, name in enumerate(names):
        x = X[:, j]
        out[name] = {
            "count": int(x.size),
            "mean": float(x.mean()),
            "variance": float(x.var(ddof=1)),
            "stddev": float(x.std(ddof=1)),
            "min": float(x.min()),
            "max": float(x.max()),
            "sum": float(x.sum()),
            "normL1": float(np.abs(x).sum()),
            "normL2": float(np.sqrt((x * x).sum())),
            "numNonzeros": int(np.count_nonzero(x)),
        }
    return out


def matrix(m):
    return [[float(v) for v in row] for row in np.asarray(m)]


def main():
    iris_names, iris, iris_rest = read_csv(os.path.join(RESOURCES, "clustering", "iris.csv"), 4)
    species = [r[0] for r in iris_rest]
    diabetes_names, diabetes, _ = read_csv(os.path.join(RESOURCES, "linear", "diabetes.csv"), 11)
    assert iris.shape == (150, 4) and diabetes.shape == (442, 11)

    out = {
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "summary": {
            "iris": summary(iris_names, iris),
            "diabetes": summary(diabetes_names, diabetes),
        },
        "pearson": {
            "iris": {"columns": iris_names, "matrix": matrix(np.corrcoef(iris, rowvar=False))},
            "diabetes": {
                "columns": diabetes_names,
                "matrix": matrix(np.corrcoef(diabetes, rowvar=False)),
            },
        },
        "spearman": {
            "iris": {
                "columns": iris_names,
                "matrix": matrix(scipy.stats.spearmanr(iris).correlation),
            },
            "diabetes": {
                "columns": diabetes_names,
                "matrix": matrix(scipy.stats.spearmanr(diabetes).correlation),
            },
        },
    }

    # Iris, binned: integer categories (floor of the value), petal_width as strings.
    binned_names = ["sepal_length_bin", "sepal_width_bin", "petal_length_bin", "petal_width_bin"]
    bins = np.floor(iris).astype(int)
    with open(os.path.join(HERE, "iris_categorical.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(binned_names + ["species"])
        for i in range(len(bins)):
            w.writerow([bins[i, 0], bins[i, 1], bins[i, 2], "w%d" % bins[i, 3], species[i]])
    labels = sorted(set(species))
    chi2 = {}
    for j, name in enumerate(binned_names):
        values = sorted(set(bins[:, j]))
        table = np.array(
            [[sum(1 for i in range(len(bins)) if bins[i, j] == v and species[i] == s)
              for s in labels] for v in values], dtype=np.float64)
        stat, p, dof, _ = scipy.stats.chi2_contingency(table, correction=False)
        chi2[name] = {
            "statistic": float(stat),
            "pValue": float(p),
            "degreesOfFreedom": int(dof),
            "table": matrix(table),
        }
    out["chi2"] = chi2

    out["quantiles"] = {
        "probabilities": QUANTILES,
        "iris": {
            name: [float(v) for v in np.quantile(iris[:, j], QUANTILES, method="inverted_cdf")]
            for j, name in enumerate(iris_names)
        },
    }

    with open(os.path.join(HERE, "stats_reference.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
