"""Reference held-out predictions for org.beamlink.transforms.recommendation.InstEvalTest.

Run from this directory with Debian's numpy and scipy:
    /usr/bin/python3 insteval_reference.py > insteval_reference.json

Reads insteval_slice.csv (a slice of lme4's InstEval ratings, see insteval_slice.R), holds out every
fifth rating (rows 4, 9, 14, ... counting the first data row as 0), and runs explicit ALS on the
rest with als_reference.py's direct normal-equation solves from the same initial factors as
Beamlink's. Writes the held-out rows' predictions (null for a student or lecturer with no training
rating, which ALS drops under coldStartStrategy DROP), their RMSE, and for scale the RMSE of
predicting every held-out rating by the training mean, and by each lecturer's training mean (the
training mean for a lecturer without one).
"""
import csv
import json
import math
import sys

import numpy as np

from als_reference import als

RANK, REG, ITERS, SEED = 2, 0.3, 10, 26


def main():
    with open("insteval_slice.csv") as f:
        rows = [(int(r["s"]), int(r["d"]), float(r["y"])) for r in csv.DictReader(f)]
    train = [r for k, r in enumerate(rows) if k % 5 != 4]
    held = [r for k, r in enumerate(rows) if k % 5 == 4]
    model = als(train, RANK, REG, ITERS, SEED)
    users = {u: np.array(model["userFactors"][k * RANK:(k + 1) * RANK])
             for k, u in enumerate(model["userIds"])}
    items = {i: np.array(model["itemFactors"][k * RANK:(k + 1) * RANK])
             for k, i in enumerate(model["itemIds"])}
    predictions = []
    errors = []
    for u, i, r in held:
        if u in users and i in items:
            p = float(users[u] @ items[i])
            predictions.append(p)
            errors.append(p - r)
        else:
            predictions.append(None)
    mean = sum(r for _, _, r in train) / len(train)
    by_item = {}
    for _, i, r in train:
        by_item.setdefault(i, []).append(r)
    scored = [(u, i, r) for u, i, r in held if u in users and i in items]
    item_mean = [sum(by_item[i]) / len(by_item[i]) - r for _, i, r in scored]
    out = {
        "rank": RANK, "regParam": REG, "maxIter": ITERS, "seed": SEED,
        "training": len(train), "heldOut": len(held), "scored": len(errors),
        "rmse": math.sqrt(sum(e * e for e in errors) / len(errors)),
        "meanRmse": math.sqrt(sum((mean - r) ** 2 for _, _, r in scored) / len(scored)),
        "itemMeanRmse": math.sqrt(sum(e * e for e in item_mean) / len(item_mean)),
        "predictions": predictions,
    }
    json.dump(out, fp=sys.stdout, indent=0)


if __name__ == "__main__":
    main()
