"""Reference numbers for the naive Bayes tests (scikit-learn as the oracle).

Run from this directory with Debian's Python:
    /usr/bin/python3 naive_bayes_reference.py
Written with scikit-learn 1.2.1, numpy 1.24.2 (the versions found at run time
are stored in naive_bayes_reference.json under "versions"). Reads the data the
other tests use, ../linear/digits.csv (8x8 pixel counts 0..16, 10 classes) and
../clustering/iris.csv, and writes naive_bayes_reference.json. Deterministic:
no random draws.

Cases (every fitted attribute is scikit-learn's, classes in sorted order):
  multinomial_digits           MultinomialNB(alpha=1.0) on digits
  multinomial_digits_weighted  the same with sample_weight = i % 3 (row i)
  bernoulli_digits             BernoulliNB(alpha=0.5, binarize=4.0) on digits
  gaussian_iris                GaussianNB() (var_smoothing=1e-9) on iris
Each holds class_count, class_log_prior (or class_prior), feature_count and
feature_log_prob (or theta, var, epsilon), the predictions for every row, and
predict_proba for every 10th row (rows 0, 10, 20, ...).
"""
import csv
import json

import numpy as np
import sklearn
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB


def read(path, label_type):
    with open(path) as f:
        rows = list(csv.reader(f))[1:]
    X = np.array([[float(v) for v in r[:-1]] for r in rows])
    y = np.array([label_type(float(r[-1])) if label_type is int else r[-1] for r in rows])
    return X, y


def discrete(model, X, y, weight=None):
    model.fit(X, y, sample_weight=weight)
    return {
        "classes": [str(c) for c in model.classes_],
        "class_count": model.class_count_.tolist(),
        "class_log_prior": model.class_log_prior_.tolist(),
        "feature_count": model.feature_count_.tolist(),
        "feature_log_prob": model.feature_log_prob_.tolist(),
        "predictions": [str(p) for p in model.predict(X)],
        "proba_every_10th": model.predict_proba(X[::10]).tolist(),
    }


def main():
    X, y = read("../linear/digits.csv", int)
    weights = np.arange(len(y)) % 3
    iris_X, iris_y = read("../clustering/iris.csv", str)
    gnb = GaussianNB().fit(iris_X, iris_y)
    out = {
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "multinomial_digits": discrete(MultinomialNB(alpha=1.0), X, y),
        "multinomial_digits_weighted": discrete(MultinomialNB(alpha=1.0), X, y, weights),
        "bernoulli_digits": discrete(BernoulliNB(alpha=0.5, binarize=4.0), X, y),
        "gaussian_iris": {
            "classes": [str(c) for c in gnb.classes_],
            "class_count": gnb.class_count_.tolist(),
            "class_prior": gnb.class_prior_.tolist(),
            "theta": gnb.theta_.tolist(),
            "var": gnb.var_.tolist(),
            "epsilon": float(gnb.epsilon_),
            "predictions": [str(p) for p in gnb.predict(iris_X)],
            "proba_every_10th": gnb.predict_proba(iris_X[::10]).tolist(),
        },
    }
    with open("naive_bayes_reference.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
