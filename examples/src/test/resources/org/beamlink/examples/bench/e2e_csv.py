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
import pandas as pd

out = sys.argv[1]
rng = np.random.default_rng(20)
n = 1_000_000

centers = rng.uniform(-10, 10, size=(10, 20))
x = centers[rng.integers(0, 10, size=n)] + rng.standard_normal((n, 20))
pd.DataFrame(x, columns=[f"f{j}" for j in range(20)]).to_csv(
    os.path.join(out, "kmeans-1m-x20.csv"), index=False, float_format="%.4f")

x = np.round(rng.standard_normal((n, 50)), 4)
w = rng.uniform(-1, 1, size=50)
p = 1 / (1 + np.exp(-(x @ w)))
frame = pd.DataFrame(x, columns=[f"f{j}" for j in range(50)])
frame["label"] = (rng.uniform(size=n) < p).astype(int)
frame.to_csv(os.path.join(out, "logreg-1m-x50.csv"), index=False, float_format="%.4f")
