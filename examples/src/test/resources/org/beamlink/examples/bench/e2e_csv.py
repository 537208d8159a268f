"""Writes the CSV files of issue 20's end-to-end targets, seeded:

  kmeans-1m-x20.csv  1,000,000 rows x 20 columns f0..f19: 10 Gaussian clusters (centers uniform
                     in [-10, 10), unit variance), 4 decimals
  logreg-1m-x50.csv  1,000,000 rows x 50 columns f0..f49 (standard normal, 4 decimals) and a
                     label 0/1 drawn from a logistic model with coefficients uniform in [-1, 1)

Usage: /usr/bin/python3 e2e_csv.py DIR
Then: bin/beamlink kmeans --input DIR/kmeans-1m-x20.csv --k 10 --max-iter 20
      bin/beamlink train logreg --input DIR/logreg-1m-x50.csv --label label
"""
import os
import sys

import numpy as np

# numpy only: Debian's python3-sklearn brings numpy, not pandas.
out = sys.argv[1]
rng = np.random.default_rng(20)
n = 1_000_000

centers = rng.uniform(-10, 10, size=(10, 20))
x = centers[rng.integers(0, 10, size=n)] + rng.standard_normal((n, 20))
np.savetxt(os.path.join(out, "kmeans-1m-x20.csv"), x, fmt="%.4f", delimiter=",",
           header=",".join(f"f{j}" for j in range(20)), comments="")

x = np.round(rng.standard_normal((n, 50)), 4)
w = rng.uniform(-1, 1, size=50)
p = 1 / (1 + np.exp(-(x @ w)))
label = (rng.uniform(size=n) < p).astype(int)
np.savetxt(os.path.join(out, "logreg-1m-x50.csv"), np.column_stack([x, label]),
           fmt=["%.4f"] * 50 + ["%d"], delimiter=",",
           header=",".join([f"f{j}" for j in range(50)] + ["label"]), comments="")
