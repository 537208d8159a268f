"""Reference DBSCAN labels for DbscanTest, from scikit-learn 1.2.1.

Run with /usr/bin/python3 from this directory; writes dbscan_blobs.csv, dbscan_iris_scaled.csv
and dbscan_reference.json. Every case records scikit-learn's labels and core points, and the
labels of Beamlink's border rule computed from scikit-learn's core points: a non-core point
takes the cluster of its nearest core point within eps, the lexicographically smallest core
point (by coordinates as compared: normalised for cosine) among equally near ones. The two
differ only at border points within eps of core points of two clusters, where scikit-learn's
choice follows its visiting order; "ambiguous" lists those points.
"""
import json

import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.datasets import make_blobs
from sklearn.preprocessing import StandardScaler

# Generated blobs with noise: four Gaussian blobs, two of them close enough to share borders,
# and uniform noise over the whole square.
X_blobs, _ = make_blobs(
    n_samples=400,
    centers=[[-5, -5], [5, 5], [0, 6], [6, -4]],
    cluster_std=[1.0, 1.2, 0.8, 1.5],
    random_state=7,
)
rng = np.random.RandomState(11)
X_noise = rng.uniform(-10, 10, size=(60, 2))
X_blobs = np.round(np.vstack([X_blobs, X_noise]), 6)
with open("dbscan_blobs.csv", "w") as f:
    f.write("id,x,y\n")
    for i, (x, y) in enumerate(X_blobs):
        f.write("%d,%r,%r\n" % (i, float(x), float(y)))

iris = np.loadtxt("iris.csv", delimiter=",", skiprows=1, usecols=(0, 1, 2, 3))
iris_scaled = StandardScaler().fit_transform(iris)
with open("dbscan_iris_scaled.csv", "w") as f:
    f.write("id,a,b,c,d\n")
    for i, row in enumerate(iris_scaled):
        f.write("%d,%s\n" % (i, ",".join(repr(float(v)) for v in row)))


def nearest_core_labels(X, labels, core, eps, cosine):
    P = X / np.linalg.norm(X, axis=1, keepdims=True) if cosine else X
    radius = np.sqrt(2 * eps) if cosine else eps
    core_idx = np.flatnonzero(core)
    out = np.full(len(X), -1)
    ambiguous = []
    for i in range(len(X)):
        if core[i]:
            out[i] = labels[i]
            continue
        d2 = ((P[core_idx] - P[i]) ** 2).sum(axis=1)
        within = core_idx[d2 <= radius * radius]
        if len(within) == 0:
            continue
        dw = ((P[within] - P[i]) ** 2).sum(axis=1)
        nearest = within[dw == dw.min()]
        best = min(nearest, key=lambda j: tuple(P[j]))
        out[i] = labels[best]
        if len(set(labels[within])) > 1:
            ambiguous.append(int(i))
    return out, ambiguous


def case(X, eps, min_samples, metric):
    if metric == "euclidean":
        db = DBSCAN(eps=eps, min_samples=min_samples, algorithm="kd_tree").fit(X)
    else:
        db = DBSCAN(eps=eps, min_samples=min_samples, metric="cosine").fit(X)
    core = np.zeros(len(X), dtype=bool)
    core[db.core_sample_indices_] = True
    rule, ambiguous = nearest_core_labels(X, db.labels_, core, eps, metric == "cosine")
    return {
        "eps": eps,
        "min_samples": min_samples,
        "metric": metric,
        "labels": [int(v) for v in db.labels_],
        "core": [int(v) for v in db.core_sample_indices_],
        "nearest_core_labels": [int(v) for v in rule],
        "ambiguous": ambiguous,
        "clusters": int(db.labels_.max() + 1),
        "noise": int((db.labels_ == -1).sum()),
    }


X_blobs = np.loadtxt("dbscan_blobs.csv", delimiter=",", skiprows=1, usecols=(1, 2))
iris_scaled = np.loadtxt("dbscan_iris_scaled.csv", delimiter=",", skiprows=1, usecols=(1, 2, 3, 4))
reference = {
    "blobs": case(X_blobs, 0.8, 8, "euclidean"),
    "iris_scaled": case(iris_scaled, 0.6, 4, "euclidean"),
    "iris_cosine": case(iris, 0.0005, 3, "cosine"),
}
for name, c in reference.items():
    print(name, "clusters", c["clusters"], "noise", c["noise"], "cores", len(c["core"]),
          "ambiguous", len(c["ambiguous"]))
with open("dbscan_reference.json", "w") as f:
    json.dump(reference, f, indent=1)
    f.write("\n")
