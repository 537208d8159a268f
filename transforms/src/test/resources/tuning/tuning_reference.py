"""Reference numbers for the model-selection tests (scikit-learn as the oracle).

Run from this directory with Debian's Python:
    /usr/bin/python3 tuning_reference.py
Written with scikit-learn 1.2.1 (the versions found at run time are stored in
tuning_reference.json under "versions"). Reads ../linear/breast_cancer.csv and
../linear/diabetes.csv; writes tuning_reference.json. No randomness.

Folds are given explicitly (PredefinedSplit): row i (0-based, in file order) is in
fold i % 3. To keep every fold's training part the same size (378 rows of breast
cancer, 294 of diabetes) the first 567 breast cancer rows and the first 441
diabetes rows are used, so that one scikit-learn C (or alpha) is one Beamlink
l2 on every fold (the Java objective is (1/n) sum loss + (l2/2)|beta|^2):
  LogisticRegression(C)  <->  l2 = 1 / (C n_train)
  Ridge(alpha)           <->  l2 = alpha / n_train

Pipelines, the same on both sides:
  breast cancer: Beamlink VectorAssembler(f0..f29) -> StandardScaler(withMean,
    sample standard deviation, ddof=1) -> LogisticRegression(standardization off,
    Newton); here SampleStdScaler (below, ddof=1 as Beamlink's and Spark's scaler)
    -> LogisticRegression(solver='newton-cholesky', tol=1e-12); scoring roc_auc.
  diabetes: Beamlink LinearRegression(f0..f9, standardization off, normal
    equations); here Ridge(solver='cholesky'); scoring neg_mean_squared_error
    (the Java side minimizes mse = -score).
Both solvers are exact (Newton to a 1e-12 tolerance, a Cholesky solve).
"""
import json
import numpy as np
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, PredefinedSplit
from sklearn.pipeline import Pipeline


class SampleStdScaler(TransformerMixin, BaseEstimator):
    """(x - mean) / sample standard deviation (ddof=1), as Beamlink's StandardScaler."""

    def fit(self, X, y=None):
        self.mean_ = X.mean(axis=0)
        self.std_ = X.std(axis=0, ddof=1)
        return self

    def transform(self, X):
        return (X - self.mean_) / self.std_


def load(path, n):
    data = np.loadtxt(path, delimiter=",", skiprows=1)[:n]
    return data[:, :-1], data[:, -1]


def search(est, grid, X, y, scoring, l2s, n_train):
    folds = PredefinedSplit(np.arange(len(y)) % 3)
    cv = GridSearchCV(est, grid, scoring=scoring, cv=folds, refit=True)
    cv.fit(X, y)
    r = cv.cv_results_
    return {
        "l2": l2s,
        "n_train": n_train,
        "split_scores": [[float(r[f"split{s}_test_score"][c]) for s in range(3)]
                         for c in range(len(l2s))],
        "mean": [float(v) for v in r["mean_test_score"]],
        "std": [float(v) for v in r["std_test_score"]],
        "rank": [int(v) for v in r["rank_test_score"]],
        "best_index": int(cv.best_index_),
    }


def main():
    out = {"versions": {"sklearn": sklearn.__version__, "numpy": np.__version__}}
    l2s = [1e-4, 1e-3, 1e-2, 1e-1]

    X, y = load("../linear/breast_cancer.csv", 567)
    n_train = 378
    est = Pipeline([("scaler", SampleStdScaler()),
                    ("logreg", LogisticRegression(solver="newton-cholesky", tol=1e-12,
                                                  max_iter=1000))])
    grid = {"logreg__C": [1.0 / (l2 * n_train) for l2 in l2s]}
    out["breast_cancer_logreg_auc"] = search(est, grid, X, y, "roc_auc", l2s, n_train)

    X, y = load("../linear/diabetes.csv", 441)
    n_train = 294
    l2s = [1e-6, 1e-5, 1e-4, 1e-3]
    grid = {"alpha": [l2 * n_train for l2 in l2s]}
    out["diabetes_ridge_mse"] = search(Ridge(solver="cholesky"), grid, X, y,
                                       "neg_mean_squared_error", l2s, n_train)

    with open("tuning_reference.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
