"""Reference numbers for org.beamlink.transforms.evaluation tests (binary and multi-class).

Run from this directory with Debian's scikit-learn (1.2.1):
    /usr/bin/python3 evaluation_reference.py > evaluation_reference.json

Predictions are fixed here once (cross-validated logistic regression on the committed CSVs of
../linear/) and written into the JSON, so that the Java tests evaluate exactly the same numbers.
"""
import json

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, average_precision_score, cohen_kappa_score,
                             confusion_matrix, f1_score, log_loss, precision_score,
                             recall_score, roc_auc_score, roc_curve)
from sklearn.metrics._ranking import _binary_clf_curve
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def load(name):
    data = np.loadtxt("../linear/" + name, delimiter=",", skiprows=1)
    return data[:, :-1], data[:, -1].astype(int)


def trapezoid_pr(y, s, anchor):
    """Area under the PR points per distinct threshold, from (0, anchor(first precision))."""
    fps, tps, _ = _binary_clf_curve(y, s)
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    x = np.concatenate([[0.0], recall])
    yy = np.concatenate([[anchor(precision[0])], precision])
    return float(np.sum(np.diff(x) * (yy[1:] + yy[:-1]) / 2))


def binary_case(y, s, threshold=0.5):
    pred = (s >= threshold).astype(int)
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    fps, tps, _ = _binary_clf_curve(y, s)
    return {
        "labels": y.tolist(),
        "scores": s.tolist(),
        "threshold": threshold,
        "auc": roc_auc_score(y, s),
        "averagePrecision": average_precision_score(y, s),
        "areaUnderPrSpark": trapezoid_pr(y, s, lambda p: p),
        "areaUnderPrAlink": trapezoid_pr(y, s, lambda p: 1.0),
        "ks": float(np.max(np.abs(tps / tps[-1] - fps / fps[-1]))),
        "logLoss": log_loss(y, s),
        "accuracy": accuracy_score(y, pred),
        "precision": precision_score(y, pred, zero_division=0),
        "recall": recall_score(y, pred, zero_division=0),
        "f1": f1_score(y, pred, zero_division=0),
        "confusionMatrix": confusion_matrix(y, pred).tolist(),
        # roc_curve's first point (0, 0) at threshold inf is left out: it is no distinct score.
        "rocThresholds": thr[1:].tolist(),
        "rocFpr": fpr[1:].tolist(),
        "rocTpr": tpr[1:].tolist(),
    }


cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
out = {}

x, y = load("breast_cancer.csv")
model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=1000))
proba = cross_val_predict(model, x, y, cv=cv, method="predict_proba")[:, 1]
out["breastCancer"] = binary_case(y, proba)
# The same predictions rounded to one decimal: many tied scores.
out["breastCancerTies"] = binary_case(y, np.round(proba, 1))

x, y = load("digits.csv")
model = make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=2000))
proba = cross_val_predict(model, x, y, cv=cv, method="predict_proba")
classes = np.arange(10)
pred = classes[np.argmax(proba, axis=1)]
out["digits"] = {
    "labels": y.tolist(),
    "predictions": pred.tolist(),
    "probabilities": proba.tolist(),
    "accuracy": accuracy_score(y, pred),
    "kappa": cohen_kappa_score(y, pred),
    "logLoss": log_loss(y, proba, labels=classes),
    "confusionMatrix": confusion_matrix(y, pred).tolist(),
}
for average in ["macro", "micro", "weighted"]:
    d = out["digits"]
    d[average + "Precision"] = precision_score(y, pred, average=average, zero_division=0)
    d[average + "Recall"] = recall_score(y, pred, average=average, zero_division=0)
    d[average + "F1"] = f1_score(y, pred, average=average, zero_division=0)

# Alink's documented example (EvalBinaryClassBatchOp): labels "1"/"0", P("1") per row.
ay = np.array([1, 1, 1, 0, 0])
ap = np.array([0.9, 0.8, 0.7, 0.75, 0.6])
apred = (ap >= 0.5).astype(int)
out["alink"] = {
    "auc": roc_auc_score(ay, ap),
    "areaUnderPrAlink": trapezoid_pr(ay, ap, lambda p: 1.0),
    "macroPrecisionZeroDivision0": precision_score(ay, apred, average="macro", zero_division=0),
    "macroPrecisionZeroDivision1": precision_score(ay, apred, average="macro", zero_division=1),
}

print(json.dumps(out, indent=1))
