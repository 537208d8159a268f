"""Reference decision trees for the tree tests (scikit-learn as the oracle).

Run from this directory with Debian's Python:
    /usr/bin/python3 tree_reference.py
Written with scikit-learn 1.2.1, numpy 1.24.2 (versions stored in
tree_reference.json under "versions"). Reads iris.csv (../clustering),
breast_cancer.csv and diabetes.csv (../linear); writes tree_reference.json.

For each case: scikit-learn's DecisionTreeClassifier / DecisionTreeRegressor
(max_depth, min_samples_leaf, random_state=0, every other parameter default)
fitted on all rows; its nodes in preorder (left child first) with the split
feature, threshold, weighted impurity decrease
    w_node * impurity_node - w_left * impurity_left - w_right * impurity_right
and, per leaf, the value; its predictions on the training rows and its
feature_importances_.

Ties: scikit-learn visits features in a random order and keeps the first best
split, so where several features split a node equally well the tree depends on
random_state. For every internal node this script therefore also lists every
(feature, threshold) whose decrease is within 1e-9 (relative) of the best,
found by trying every midpoint between adjacent distinct values of the node's
rows with both sides holding at least min_samples_leaf rows; the lowest
threshold of each feature is listed. A test accepts any of them at that node
(Beamlink takes the lowest feature index, then the lowest threshold). The cases
were chosen so that ties give the same partition of the node's rows (30 random
states give one set of predictions and decreases), so subtrees stay aligned.
"""
import json

import numpy as np
import pandas as pd
import sklearn
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

HERE = "."


def impurity(y, kind, classes):
    n = len(y)
    if kind == "variance":
        return float(np.var(y))
    p = np.array([(y == c).sum() for c in classes]) / n
    if kind == "gini":
        return float(1 - (p * p).sum())
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def tied_splits(X, y, kind, classes, leaf):
    best = []
    n, d = X.shape
    parent = n * impurity(y, kind, classes)
    for j in range(d):
        order = np.argsort(X[:, j], kind="stable")
        xs, ys = X[order, j], y[order]
        fbest = None
        for p in range(leaf, n - leaf + 1):
            if xs[p - 1] == xs[p]:
                continue
            dec = parent - p * impurity(ys[:p], kind, classes) - (n - p) * impurity(ys[p:], kind, classes)
            if fbest is None or dec > fbest[0] * (1 + 1e-12) + 1e-15:
                fbest = (dec, (xs[p - 1] + xs[p]) / 2.0)
        if fbest is not None:
            best.append((j, fbest[0], fbest[1]))
    top = max(b[1] for b in best)
    return [{"feature": j, "threshold": t} for j, dec, t in best if abs(dec - top) <= 1e-9 * abs(top)]


def case(name, X, y, kind, depth, leaf):
    classes = sorted(set(y.tolist())) if kind != "variance" else None
    if kind == "variance":
        m = DecisionTreeRegressor(max_depth=depth, min_samples_leaf=leaf, random_state=0)
    else:
        m = DecisionTreeClassifier(criterion=kind, max_depth=depth, min_samples_leaf=leaf, random_state=0)
    m.fit(X, y)
    t = m.tree_
    rows_at = m.decision_path(X).toarray().astype(bool)
    nodes = []

    def walk(i):
        left, right = t.children_left[i], t.children_right[i]
        w = t.weighted_n_node_samples
        node = {"samples": int(t.n_node_samples[i])}
        if left < 0:
            v = t.value[i][0]
            node["value"] = (v / v.sum()).tolist() if kind != "variance" else [float(v[0])]
            nodes.append(node)
            return
        node["feature"] = int(t.feature[i])
        node["threshold"] = float(t.threshold[i])
        node["decrease"] = float(w[i] * t.impurity[i] - w[left] * t.impurity[left] - w[right] * t.impurity[right])
        here = rows_at[:, i]
        node["ties"] = tied_splits(X[here], y[here], kind, classes, leaf)
        nodes.append(node)
        walk(left)
        walk(right)

    walk(0)
    pred = m.predict(X)
    return {
        "name": name,
        "criterion": kind,
        "maxDepth": depth,
        "minInstancesPerNode": leaf,
        "classes": [str(c) for c in classes] if classes else None,
        "nodes": nodes,
        "predictions": [str(p) for p in pred] if classes else [float(p) for p in pred],
        "importances": m.feature_importances_.tolist(),
    }


iris = pd.read_csv(HERE + "/../clustering/iris.csv")
bc = pd.read_csv(HERE + "/../linear/breast_cancer.csv")
db = pd.read_csv(HERE + "/../linear/diabetes.csv")
Xi, yi = iris.iloc[:, :4].values, iris.species.values
Xb, yb = bc.iloc[:, :30].values, bc.label.values.astype(int)
Xd, yd = db.iloc[:, :10].values, db.label.values
cases = [
    case("iris_gini", Xi, yi, "gini", 5, 1),
    case("iris_entropy", Xi, yi, "entropy", 5, 1),
    case("breast_cancer_gini", Xb, yb, "gini", 4, 1),
    case("breast_cancer_entropy", Xb, yb, "entropy", 4, 5),
    case("diabetes_variance", Xd, yd, "variance", 5, 5),
]
out = {
    "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
    "cases": {c["name"]: c for c in cases},
}
with open(HERE + "/tree_reference.json", "w") as f:
    json.dump(out, f, indent=1)
for c in cases:
    print(c["name"], len(c["nodes"]), "nodes", sum(1 for n in c["nodes"] if len(n.get("ties", [])) > 1), "tied")
