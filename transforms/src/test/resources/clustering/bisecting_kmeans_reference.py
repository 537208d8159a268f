# Reference numbers for the Beamlink BisectingKMeans tests.
#
# Spark is not available here, so this is a direct, sequential implementation of Spark
# MLlib's BisectingKMeans.run (mllib/clustering/BisectingKMeans.scala, Spark 3 semantics:
# a child that loses all its points is dropped and its parent's points go to the other),
# in numpy, with the same random numbers: java.util.Random(seed) (what scala.util.Random
# wraps) ported below, drawing each split's noise with nextDouble(). Where Spark's order
# is that of a hash map (which divisible clusters draw their noise first; which of equally
# large clusters are split when not all are needed), this takes ascending cluster index,
# as Beamlink does.
#
# Run with Debian's python3 (numpy, scikit-learn 1.2.1):
#     /usr/bin/python3 bisecting_kmeans_reference.py
# Writes bisecting_blobs.csv (generated blobs with known centres) and
# bisecting_kmeans_reference.json beside this script: per case the tree's nodes (Spark's
# raw indices: root 1, children 2i and 2i+1) with size, centre and cost, the leaf centres
# in Spark's leaf order (pre-order, left first), the training cost (the leaves' costs
# summed) and every row's predicted leaf; and scikit-learn's BisectingKMeans inertia on
# iris for comparison. Floats are written by json (repr), so they round-trip exactly.

import csv
import json
import math
import os

import numpy as np
import sklearn
from sklearn.cluster import BisectingKMeans as SkBisectingKMeans

HERE = os.path.dirname(os.path.abspath(__file__))
EPSILON = np.finfo(float).eps  # MLUtils.EPSILON: 2.220446049250313e-16
LEVEL_LIMIT = math.log10(2**63 - 1) / math.log10(2)


class JavaRandom:
    """java.util.Random: the 48-bit linear congruential generator, nextDouble()."""

    MULT = 0x5DEECE66D
    MASK = (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ self.MULT) & self.MASK

    def next(self, bits):
        self.seed = (self.seed * self.MULT + 0xB) & self.MASK
        return self.seed >> (48 - bits)

    def next_double(self):
        return ((self.next(26) << 27) + self.next(27)) * (1.0 / (1 << 53))


def summarize(x, index, clusters):
    """Spark's ClusterSummaryAggregator per cluster: size, centre, max(sumSq - n |c|^2, 0)."""
    out = {}
    for c in clusters:
        rows = x[index == c]
        n = rows.shape[0]
        if n == 0:
            continue
        norms = np.sqrt((rows * rows).sum(axis=1))
        sum_sq = float((norms * norms).sum())
        center = rows.sum(axis=0) / n
        norm = math.sqrt(float((center * center).sum()))
        out[c] = (n, center, max(sum_sq - n * norm * norm, 0.0))
    return out


def update_assignments(x, index, divisible, centers):
    new = index.copy()
    for i in range(x.shape[0]):
        p = index[i]
        if p in divisible:
            children = [ch for ch in (2 * p, 2 * p + 1) if ch in centers]
            if children:
                d = [float(((x[i] - centers[ch]) ** 2).sum()) for ch in children]
                new[i] = children[int(np.argmin(d))]
    return new


def bisecting_kmeans(x, k, max_iter, min_divisible, seed):
    n = x.shape[0]
    index = np.ones(n, dtype=np.int64)
    active = summarize(x, index, [1])
    min_size = math.ceil(min_divisible) if min_divisible >= 1.0 else math.ceil(min_divisible * n)
    inactive = {}
    random = JavaRandom(seed)
    needed = k - 1
    level = 1
    while active and needed > 0 and level < LEVEL_LIMIT:
        divisible = sorted(c for c, (size, _, cost) in active.items()
                           if size >= min_size and cost > EPSILON * size)
        if len(divisible) > needed:
            divisible = sorted(sorted(divisible, key=lambda c: -active[c][0])[:needed])
        if divisible:
            centers = {}
            for c in divisible:
                center = active[c][1]
                level_noise = 1e-4 * math.sqrt(float((center * center).sum()))
                noise = np.array([random.next_double() for _ in range(x.shape[1])])
                centers[2 * c] = center - level_noise * noise
                centers[2 * c + 1] = center + level_noise * noise
            new_clusters = None
            for _ in range(max_iter):
                tentative = update_assignments(x, index, set(divisible), centers)
                children = [ch for c in divisible for ch in (2 * c, 2 * c + 1)]
                new_clusters = summarize(x, tentative, children)
                centers = {c: s[1] for c, s in new_clusters.items()}
            index = update_assignments(x, index, set(divisible), centers)
            inactive.update(active)
            active = new_clusters
            needed -= len(divisible)
        else:
            inactive.update(active)
            active = {}
        level += 1
    clusters = dict(inactive)
    clusters.update(active)
    return clusters


def leaves(clusters, raw=1, out=None):
    out = [] if out is None else out
    if 2 * raw in clusters:
        leaves(clusters, 2 * raw, out)
        leaves(clusters, 2 * raw + 1, out)
    else:
        out.append(raw)
    return out


def predict(clusters, point):
    raw = 1
    while 2 * raw in clusters:
        children = (2 * raw, 2 * raw + 1)
        d = [float(((point - clusters[ch][1]) ** 2).sum()) for ch in children]
        raw = children[int(np.argmin(d))]
    return leaves(clusters).index(raw)


def case(x, k, max_iter, min_divisible, seed):
    clusters = bisecting_kmeans(x, k, max_iter, min_divisible, seed)
    leaf_ids = leaves(clusters)
    return {
        "k": k, "max_iter": max_iter, "min_divisible_cluster_size": min_divisible, "seed": seed,
        "nodes": [{"id": int(c), "size": int(s), "center": ctr.tolist(), "cost": cost}
                  for c, (s, ctr, cost) in sorted(clusters.items())],
        "leaf_ids": [int(c) for c in leaf_ids],
        "leaf_centers": [clusters[c][1].tolist() for c in leaf_ids],
        "training_cost": float(sum(clusters[c][2] for c in leaf_ids)),
        "predictions": [predict(clusters, p) for p in x],
    }


def read_iris():
    with open(os.path.join(HERE, "iris.csv"), newline="") as f:
        reader = csv.reader(f)
        next(reader)
        return np.array([[float(v) for v in r[:4]] for r in reader])


BLOB_CENTERS = [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]]


def write_blobs():
    rng = np.random.default_rng(2025)
    x = np.vstack([rng.normal(c, 0.7, size=(50, 2)) for c in BLOB_CENTERS])
    with open(os.path.join(HERE, "bisecting_blobs.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["x", "y", "blob"])
        for i, row in enumerate(x):
            w.writerow([repr(float(row[0])), repr(float(row[1])), i // 50])
    return x


def main():
    iris = read_iris()
    blobs = write_blobs()
    sk = SkBisectingKMeans(n_clusters=4, random_state=0, n_init=1).fit(iris)
    out = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "iris_k4": case(iris, 4, 20, 1.0, 7),
        "iris_k6_min_fraction": case(iris, 6, 5, 0.2, 3),
        "blobs_k4": case(blobs, 4, 20, 1.0, 1),
        "blob_centers": BLOB_CENTERS,
        "sklearn_iris_k4_inertia": float(sk.inertia_),
    }
    with open(os.path.join(HERE, "bisecting_kmeans_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for name in ("iris_k4", "iris_k6_min_fraction", "blobs_k4"):
        r = out[name]
        print(name, "leaves", r["leaf_ids"], "cost", r["training_cost"])
    print("sklearn iris k=4 inertia", out["sklearn_iris_k4_inertia"])


if __name__ == "__main__":
    main()
