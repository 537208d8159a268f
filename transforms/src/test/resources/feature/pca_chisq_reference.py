"""Reference numbers for the PCA and ChiSqSelector tests (scikit-learn as the oracle).

Run from this directory with Debian's Python:
    /usr/bin/python3 pca_chisq_reference.py
Written with scikit-learn 1.2.1, scipy 1.10.1, numpy 1.24.2 (the versions found at run
time are stored in pca_chisq_reference.json under "versions"). Reads the data the other
tests use: ../clustering/iris.csv, ../linear/digits.csv, ../linear/breast_cancer.csv.
Writes pca_chisq_reference.json. Deterministic (no random draws).

PCA: sklearn.decomposition.PCA(n_components=k, svd_solver='full'); 'full' because the
default 'auto' picks the randomized solver for digits, which is only approximate.
  - "components": sklearn's components_ with each row's sign flipped so that its entry
    of largest absolute value (first such index) is positive. That is svd_flip with
    u_based_decision=False (scikit-learn >= 1.5's PCA convention, and Beamlink's); 1.2.1
    flips on U (the scores) instead, kept as "components_sklearn_1_2".
  - "transformed": pca.transform(X) of the first rows with the same sign flips.
  - "explained_variance": explained_variance_ (eigenvalues of the n-1 covariance),
    "explained_variance_ratio": explained_variance_ratio_.
ChiSqSelector: sklearn.feature_selection.chi2 scores and p-values, and the support
(selected indices, ascending) of SelectKBest(chi2, k), SelectPercentile(chi2, p),
SelectFpr/SelectFdr/SelectFwe(chi2, alpha).
"""
import csv
import json
import os

import numpy as np
import scipy
import sklearn
from sklearn.decomposition import PCA
from sklearn.feature_selection import (SelectFdr, SelectFpr, SelectFwe, SelectKBest,
                                       SelectPercentile, chi2)

HERE = os.path.dirname(os.path.abspath(__file__))


def read(path, label_is_text):
    with open(os.path.join(HERE, path)) as f:
        rows = list(csv.reader(f))[1:]
    x = np.array([[float(v) for v in r[:-1]] for r in rows])
    y = np.array([r[-1] if label_is_text else int(float(r[-1])) for r in rows])
    return x, y


DATA = {
    "iris": read("../clustering/iris.csv", True),
    "digits": read("../linear/digits.csv", False),
    "breast_cancer": read("../linear/breast_cancer.csv", False),
}


def pca_case(name, k, n_rows):
    x, _ = DATA[name]
    pca = PCA(n_components=k, svd_solver="full").fit(x)
    comps = pca.components_.copy()
    signs = np.sign(comps[np.arange(k), np.argmax(np.abs(comps), axis=1)])
    t = pca.transform(x[:n_rows]) * signs
    return {
        "dataset": name,
        "k": k,
        "rows": int(x.shape[0]),
        "mean": pca.mean_.tolist(),
        "components": (comps * signs[:, None]).tolist(),
        "components_sklearn_1_2": pca.components_.tolist(),
        "explained_variance": pca.explained_variance_.tolist(),
        "explained_variance_ratio": pca.explained_variance_ratio_.tolist(),
        "transformed_rows": n_rows,
        "transformed": t.tolist(),
    }


def support(selector, x, y):
    return [int(i) for i in np.flatnonzero(selector.fit(x, y).get_support())]


def nan_to_none(values):
    return [None if np.isnan(v) else float(v) for v in values]


def chisq_case(name, k, percentile, alpha):
    x, y = DATA[name]
    scores, pvalues = chi2(x, y)
    return {
        "dataset": name,
        "scores": nan_to_none(scores),
        "pvalues": nan_to_none(pvalues),
        "k": k,
        "kbest": support(SelectKBest(chi2, k=k), x, y),
        "percentile": percentile,
        "select_percentile": support(SelectPercentile(chi2, percentile=percentile), x, y),
        "alpha": alpha,
        "fpr": support(SelectFpr(chi2, alpha=alpha), x, y),
        "fdr": support(SelectFdr(chi2, alpha=alpha), x, y),
        "fwe": support(SelectFwe(chi2, alpha=alpha), x, y),
    }


def main():
    out = {
        "versions": {
            "sklearn": sklearn.__version__,
            "scipy": scipy.__version__,
            "numpy": np.__version__,
        },
        "pca": {
            "iris": pca_case("iris", 2, 150),
            "digits": pca_case("digits", 10, 40),
            "breast_cancer": pca_case("breast_cancer", 5, 40),
        },
        "chisq": {
            "iris": chisq_case("iris", 2, 50, 0.05),
            "digits": chisq_case("digits", 20, 10, 1e-60),
        },
    }
    with open(os.path.join(HERE, "pca_chisq_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
