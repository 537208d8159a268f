# Reference numbers for the Beamlink regression and clustering evaluation tests
# (RegressionEvaluationTest, ClusteringEvaluationTest).
#
# Run with Debian's scikit-learn (apt-get install python3-sklearn python3-scipy):
#     /usr/bin/python3 regression_clustering_reference.py
#
# Reads ../linear/diabetes.csv and ../clustering/iris.csv and writes, beside this script:
#   - diabetes_predictions.csv: label and prediction of every diabetes row, the prediction from
#     LinearRegression() fitted on the first 300 rows (so the last 142 are held out)
#   - iris_clusters.csv: the Iris rows with their KMeans(n_clusters=3, n_init=10,
#     random_state=0) cluster (an integer) next to the species
#   - regression_clustering_reference.json:
#       "regression": sklearn's mean_squared_error, sqrt of it, mean_absolute_error, r2_score,
#           explained_variance_score and mean_absolute_percentage_error for all rows ("all"),
#           rows 0..220 ("first_half") and rows 221..441 ("second_half"); "constant_label":
#           r2 and explained variance of constant labels with perfect and imperfect predictions
#       "clustering": per labelling ("species", "kmeans"): cluster sizes, the within-cluster sum
#           of squares (numpy), silhouette_score, calinski_harabasz_score, davies_bouldin_score.
#           "silhouette_exact_distances" and "davies_bouldin_exact_distances" are the same
#           indices from Euclidean distances computed as sqrt(sum (a - b)^2) (what Beamlink does),
#           where scikit-learn's pairwise_distances uses |a|^2 - 2ab + |b|^2 and loses digits for
#           near points; both are written so the tests can say how far apart they are.
# Floats are written by the json module (repr), so they round-trip exactly.

import csv
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.linear_model import LinearRegression
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    explained_variance_score,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    r2_score,
    silhouette_score,
)

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.dirname(HERE)


def regression_metrics(y, p):
    mse = mean_squared_error(y, p)
    return {
        "count": int(len(y)),
        "mse": float(mse),
        "rmse": float(np.sqrt(mse)),
        "mae": float(mean_absolute_error(y, p)),
        "r2": float(r2_score(y, p)),
        "explained_variance": float(explained_variance_score(y, p)),
        "mape": float(mean_absolute_percentage_error(y, p)),
    }


def exact_distances(A, B):
    return np.sqrt(((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=2))


def davies_bouldin_exact(X, labels):
    ks = sorted(set(labels))
    centroids = np.array([X[labels == k].mean(axis=0) for k in ks])
    intra = np.array(
        [np.average(exact_distances(X[labels == k], centroids[[i]])) for i, k in enumerate(ks)])
    between = exact_distances(centroids, centroids)
    between[between == 0] = np.inf
    return float(np.mean(np.max((intra[:, None] + intra) / between, axis=1)))


def clustering_metrics(X, labels):
    labels = np.asarray(labels)
    ks = sorted(set(labels.tolist()))
    wcss = sum(float(((X[labels == k] - X[labels == k].mean(axis=0)) ** 2).sum()) for k in ks)
    D = exact_distances(X, X)
    return {
        "clusters": [str(k) for k in ks],
        "sizes": [int((labels == k).sum()) for k in ks],
        "inertia": wcss,
        "silhouette": float(silhouette_score(X, labels)),
        "silhouette_exact_distances": float(silhouette_score(D, labels, metric="precomputed")),
        "calinski_harabasz": float(calinski_harabasz_score(X, labels)),
        "davies_bouldin": float(davies_bouldin_score(X, labels)),
        "davies_bouldin_exact_distances": davies_bouldin_exact(X, labels),
    }


def main():
    with open(os.path.join(RESOURCES, "linear", "diabetes.csv"), newline="") as f:
        rows = list(csv.reader(f))[1:]
    data = np.array([[float(v) for v in r] for r in rows])
    X, y = data[:, :-1], data[:, -1]
    model = LinearRegression().fit(X[:300], y[:300])
    p = model.predict(X)
    with open(os.path.join(HERE, "diabetes_predictions.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["label", "prediction"])
        for yi, pi in zip(y, p):
            w.writerow([repr(float(yi)), repr(float(pi))])
    out = {
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "regression": {
            "all": regression_metrics(y, p),
            "first_half": regression_metrics(y[:221], p[:221]),
            "second_half": regression_metrics(y[221:], p[221:]),
            "constant_label": {
                "perfect_r2": float(r2_score([3.0, 3.0, 3.0], [3.0, 3.0, 3.0])),
                "imperfect_r2": float(r2_score([3.0, 3.0, 3.0], [2.0, 3.0, 4.0])),
                "imperfect_explained_variance": float(
                    explained_variance_score([3.0, 3.0, 3.0], [2.0, 3.0, 4.0])),
                "zero_label_mape": float(mean_absolute_percentage_error([0.0, 2.0], [1.0, 1.0])),
            },
        },
    }

    with open(os.path.join(RESOURCES, "clustering", "iris.csv"), newline="") as f:
        rows = list(csv.reader(f))[1:]
    iris = np.array([[float(v) for v in r[:4]] for r in rows])
    species = np.array([r[4] for r in rows])
    kmeans = KMeans(n_clusters=3, n_init=10, random_state=0).fit(iris).labels_
    with open(os.path.join(HERE, "iris_clusters.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["sepal_length", "sepal_width", "petal_length", "petal_width", "species",
                    "cluster"])
        for r, k in zip(rows, kmeans):
            w.writerow(r[:5] + [int(k)])
    out["clustering"] = {
        "species": clustering_metrics(iris, species),
        "kmeans": clustering_metrics(iris, kmeans),
    }

    with open(os.path.join(HERE, "regression_clustering_reference.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
