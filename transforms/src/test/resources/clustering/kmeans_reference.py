# Reference numbers for the Beamlink k-means tests.
#
# Run with Debian's scikit-learn (apt-get install python3-sklearn python3-scipy):
#     /usr/bin/python3 kmeans_reference.py
#
# Reads iris.csv from this script's directory and writes kmeans_iris_reference.json
# beside it, containing:
#   - sklearn / numpy versions
#   - "iris": KMeans(n_clusters=3, init=X[[0, 50, 100]], n_init=1, algorithm="lloyd",
#     max_iter=300, tol=0.0): init centroids, cluster_centers_, inertia_, n_iter_,
#     labels_, and each row's Euclidean distance to its assigned centre
#   - "six_points": KMeans(n_clusters=2, init=points[[0, 3]], n_init=1,
#     algorithm="lloyd") on six 3-d points: centres, inertia, labels, distances
#   - "one_iteration": the same Iris run with max_iter=1 as reported by sklearn, plus
#     one assignment + update step computed directly with numpy from the init
#     centroids, and the sum of squared distances to the INIT centroids in that
#     first assignment. Note: sklearn's labels_/inertia_ for max_iter=1 are from a
#     final re-assignment to the updated centres (14 rows move), hence the
#     "reassigned_*" entries, which should match sklearn's inertia.
# Floats are written by the json module (repr), so they round-trip exactly.

import csv
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans

HERE = os.path.dirname(os.path.abspath(__file__))


def read_iris():
    rows = []
    with open(os.path.join(HERE, "iris.csv"), newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header == ["sepal_length", "sepal_width", "petal_length",
                          "petal_width", "species"], header
        for r in reader:
            rows.append([float(v) for v in r[:4]])
    X = np.array(rows, dtype=np.float64)
    assert X.shape == (150, 4), X.shape
    return X


def fl(a):
    return [[float(v) for v in row] for row in np.asarray(a)]


def assigned_distances(X, centers, labels):
    return [float(np.sqrt(np.sum((X[i] - centers[labels[i]]) ** 2)))
            for i in range(len(X))]


def run(X, init, **kw):
    km = KMeans(n_clusters=len(init), init=init, n_init=1, algorithm="lloyd", **kw)
    km.fit(X)
    labels = [int(v) for v in km.labels_]
    return km, {
        "init_centroids": fl(init),
        "cluster_centers": fl(km.cluster_centers_),
        "inertia": float(km.inertia_),
        "n_iter": int(km.n_iter_),
        "labels": labels,
        "distances": assigned_distances(X, km.cluster_centers_, labels),
    }


def main():
    X = read_iris()
    init = X[[0, 50, 100]].copy()
    out = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__}

    _, iris = run(X, init, max_iter=300, tol=0.0)
    out["iris"] = iris

    P = np.array([[0, 0, 0], [0.1, 0.1, 0.1], [0.2, 0.2, 0.2],
                  [9, 9, 9], [9.1, 9.1, 9.1], [9.2, 9.2, 9.2]], dtype=np.float64)
    _, six = run(P, P[[0, 3]].copy())
    six["points"] = fl(P)
    out["six_points"] = six

    # One Lloyd iteration as reported by sklearn.
    _, sk1 = run(X, init, max_iter=1)
    # One assignment + update step with numpy directly.
    d2 = ((X[:, None, :] - init[None, :, :]) ** 2).sum(axis=2)
    lab = d2.argmin(axis=1)
    sse_init = float(d2[np.arange(len(X)), lab].sum())
    centers1 = np.array([X[lab == k].mean(axis=0) for k in range(len(init))])
    d2_after = ((X - centers1[lab]) ** 2).sum()
    # sklearn's labels_/inertia_ come from a final re-assignment to the returned centres.
    d2_re = ((X[:, None, :] - centers1[None, :, :]) ** 2).sum(axis=2)
    lab_re = d2_re.argmin(axis=1)
    out["one_iteration"] = {
        "sklearn_max_iter_1": sk1,
        "numpy": {
            "first_assignment_labels": [int(v) for v in lab],
            "first_assignment_cluster_sizes": [int((lab == k).sum()) for k in range(len(init))],
            "sse_to_init_centroids": sse_init,
            "centers_after_one_update": fl(centers1),
            "sse_first_assignment_to_updated_centers": float(d2_after),
            "reassigned_labels": [int(v) for v in lab_re],
            "sse_reassigned_to_updated_centers": float(d2_re[np.arange(len(X)), lab_re].sum()),
        },
    }

    with open(os.path.join(HERE, "kmeans_iris_reference.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
