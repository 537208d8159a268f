"""scikit-learn on the same split as Churn, for check.sh's figures.

Run with Debian's Python after check.sh:  /usr/bin/python3 sklearn_check.py WORK_DIR/customers.csv
Splits the rows as RandomSplit.of(0.8, 0.2).withSeed(42) does (the row hash of
transforms/src/test/resources/evaluation/random_split_reference.py over the typed values: age and
churned INT64, income DOUBLE, plan and city STRING), one-hot encodes plan and city (Spark's
dropLast), standardizes, fits an (almost) unpenalized LogisticRegression on the 80% and prints the
test rows and the AUC on the 20%: Churn prints the same count and, with its L2 of 1e-3, the same
AUC to 1e-4 (written with scikit-learn 1.2.1, numpy 1.24.2).
"""
import csv
import os
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "../../transforms/src/test/resources/evaluation"))
from random_split_reference import uniform  # noqa: E402

rows = [
    (int(r["age"]), float(r["income"]), r["plan"], r["city"], int(r["churned"]))
    for r in csv.DictReader(open(sys.argv[1]))
]
train = [r for r in rows if uniform(42, r) < 0.8]
test = [r for r in rows if not uniform(42, r) < 0.8]


def features(rs):
    plans = ["basic", "plus"]  # "pro", the last category, dropped
    cities = ["Kyiv", "Lima", "Oslo"]  # "Pune" dropped
    return np.array(
        [[r[0], r[1]] + [float(r[2] == c) for c in plans] + [float(r[3] == c) for c in cities]
         for r in rs])


x_train, x_test = features(train), features(test)
mean, sd = x_train.mean(0), x_train.std(0)
model = LogisticRegression(C=1e6, max_iter=5000).fit((x_train - mean) / sd, [r[4] for r in train])
p = model.predict_proba((x_test - mean) / sd)[:, 1]
print("test rows %d, AUC %.4f" % (len(test), roc_auc_score([r[4] for r in test], p)))
