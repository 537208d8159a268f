"""scikit-learn 1.2.1's time on the data of `bin/beamlink bench dbscan` and `bench gmm`.

Run with /usr/bin/python3 under the build lock, in the same sitting as the benchmark, on the file
its --data-out wrote (little-endian doubles, row after row):

  bin/beamlink bench dbscan --data-out /tmp/blobs.f64
  /usr/bin/python3 dbscan_gmm_sklearn.py dbscan /tmp/blobs.f64 --eps 0.02 --min-samples 10
  bin/beamlink bench gmm --data-out /tmp/gmm.f64
  /usr/bin/python3 dbscan_gmm_sklearn.py gmm /tmp/gmm.f64 --dims 20 --k 10 --iterations 20

Prints one JSON line: the fit's seconds (reading the file not included) and its result.
DBSCAN uses the kd-tree (the algorithm DbscanTest's references use), one job; the Gaussian
mixture starts its means at the first k rows (means_init, init_params="random_from_data" so that
no k-means runs before) with tol 0, so it runs exactly the given EM iterations, as the benchmark.
"""
import argparse
import json
import time

import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.mixture import GaussianMixture

parser = argparse.ArgumentParser()
parser.add_argument("algorithm", choices=["dbscan", "gmm"])
parser.add_argument("file")
parser.add_argument("--rows", type=int, default=0, help="only the first rows (0: all)")
parser.add_argument("--eps", type=float, default=0.02)
parser.add_argument("--min-samples", type=int, default=10)
parser.add_argument("--dims", type=int, default=20)
parser.add_argument("--k", type=int, default=10)
parser.add_argument("--iterations", type=int, default=20)
args = parser.parse_args()

dims = 2 if args.algorithm == "dbscan" else args.dims
X = np.fromfile(args.file, dtype="<f8").reshape(-1, dims)
if args.rows:
    X = X[: args.rows]

start = time.perf_counter()
if args.algorithm == "dbscan":
    db = DBSCAN(eps=args.eps, min_samples=args.min_samples, algorithm="kd_tree").fit(X)
    seconds = time.perf_counter() - start
    labels = db.labels_
    result = {
        "clusters": int(labels.max() + 1),
        "corePoints": int(len(db.core_sample_indices_)),
        "noise": int((labels == -1).sum()),
    }
else:
    gmm = GaussianMixture(
        n_components=args.k,
        covariance_type="full",
        max_iter=args.iterations,
        tol=0,
        means_init=X[: args.k],
        init_params="random_from_data",
        random_state=0,
    ).fit(X)
    seconds = time.perf_counter() - start
    result = {"iterationsRun": int(gmm.n_iter_), "meanLogLikelihood": float(gmm.score(X))}
line = {"algorithm": args.algorithm, "library": "scikit-learn 1.2.1", "rows": len(X), "dims": dims}
line["seconds"] = round(seconds, 3)
line.update(result)
print(json.dumps(line))
