"""Reference numbers for the categorical and hashing feature tests (StringIndexer, OneHotEncoder,
FeatureHasher, PolynomialExpansion). Run with Debian's /usr/bin/python3 (scikit-learn 1.2.1):

    /usr/bin/python3 categorical_reference.py   # writes categorical_reference.json beside it

Data: ../clustering/iris.csv and ../linear/digits.csv (the CSVs the other tests read).
"""
import collections
import csv
import json
import os

import numpy as np
import sklearn
from sklearn.preprocessing import OneHotEncoder, PolynomialFeatures
from sklearn.utils import murmurhash3_32

HERE = os.path.dirname(os.path.abspath(__file__))


def read_csv(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


iris_header, iris = read_csv(os.path.join(HERE, "..", "clustering", "iris.csv"))
digits_header, digits = read_csv(os.path.join(HERE, "..", "linear", "digits.csv"))
out = {"sklearn_version": sklearn.__version__}

# MurmurHash3 x86_32: sklearn's murmurhash3_32(positive=False) is the standard algorithm (the
# published vector: "hello", seed 0 -> 0x248bfa47).
out["murmur3"] = [
    {"text": t, "seed": s, "hash": int(murmurhash3_32(t.encode("utf-8"), seed=s, positive=False))}
    for t, s in [("hello", 0), ("", 0), ("hello", 42), ("sepal_length", 42),
                 ("species=setosa", 42), ("caf\u00e9=\u00fcber \U0001F600", 42)]
]


def spark_index(term, n):
    # Spark FeatureHasher: Utils.nonNegativeMod(Murmur3_x86_32.hashUnsafeBytes2(utf8, 42), n).
    return int(murmurhash3_32(term.encode("utf-8"), seed=42, positive=False)) % n


def spark_hash_rows(num_features, categorical):
    rows = []
    for r in iris:
        acc = collections.OrderedDict()
        for j, name in enumerate(iris_header[:4]):
            if name in categorical:
                idx, val = spark_index(name + "=" + repr(float(r[j])), num_features), 1.0
            else:
                idx, val = spark_index(name, num_features), float(r[j])
            acc[idx] = acc.get(idx, 0.0) + val
        idx = spark_index("species=" + r[4], num_features)
        acc[idx] = acc.get(idx, 0.0) + 1.0
        items = sorted((i, v) for i, v in acc.items() if v != 0.0)
        rows.append({"indices": [i for i, _ in items], "values": [v for _, v in items]})
    return rows


out["hasher_iris_default"] = spark_hash_rows(1 << 18, set())
out["hasher_iris_16"] = spark_hash_rows(16, set())
out["hasher_iris_categorical_petal_width_64"] = spark_hash_rows(64, {"petal_width"})


def onehot_case(values, numeric, drop, handle_unknown="error", unseen=None):
    x = np.array(values, dtype=float if numeric else object).reshape(-1, 1)
    enc = OneHotEncoder(drop=drop, handle_unknown=handle_unknown, sparse_output=False).fit(x)
    cats = [float(c) if numeric else str(c) for c in enc.categories_[0]]
    m = enc.transform(x)
    active = [int(np.flatnonzero(row)[0]) if row.any() else -1 for row in m]
    case = {"categories": cats, "width": int(m.shape[1]), "active": active}
    if unseen is not None:
        u = enc.transform(np.array([[unseen]], dtype=x.dtype))
        case["unseen_encoding"] = u[0].tolist()
    return case


species = [r[4] for r in iris]
pixel20 = [float(r[20]) for r in digits]
out["onehot_iris_species"] = {
    "drop_none": onehot_case(species, False, None, "ignore", "unknown"),
    # drop the last category = Spark's dropLast=true
    "drop_last": onehot_case(species, False, [sorted(set(species))[-1]]),
    # drop='first' drops the first category: no Beamlink equivalent, recorded for the comparison
    "drop_first": onehot_case(species, False, "first"),
}
out["onehot_digits_f20"] = {
    "drop_none": onehot_case(pixel20, True, None),
    "drop_last": onehot_case(pixel20, True, [max(pixel20)]),
}


def spark_string_order(values, order):
    counts = collections.Counter(values)
    labels = sorted(counts)  # alphabetical first, then a stable sort by count: Spark 3's ties
    if order == "frequencyDesc":
        return sorted(labels, key=lambda l: -counts[l])
    if order == "frequencyAsc":
        return sorted(labels, key=lambda l: counts[l])
    if order == "alphabetDesc":
        return sorted(labels, reverse=True)
    return labels


digit_labels = [str(int(float(r[-1]))) for r in digits]
out["string_indexer"] = {
    "iris_species": {o: spark_string_order(species, o) for o in
                     ["frequencyDesc", "frequencyAsc", "alphabetDesc", "alphabetAsc"]},
    "digits_label_counts": dict(collections.Counter(digit_labels)),
    "digits_label": {o: spark_string_order(digit_labels, o) for o in
                     ["frequencyDesc", "frequencyAsc", "alphabetDesc", "alphabetAsc"]},
}

x5 = np.array([[float(v) for v in r[:4]] for r in iris[:5]])
sparse_x = np.array([[0.0, 2.0, 0.0, 3.0, -1.5]])
out["polynomial"] = {
    "iris5": x5.tolist(),
    "iris5_degree2": PolynomialFeatures(2, include_bias=False).fit_transform(x5).tolist(),
    "iris5_degree3": PolynomialFeatures(3, include_bias=False).fit_transform(x5).tolist(),
    "sparse_x": sparse_x[0].tolist(),
    "sparse_degree3": PolynomialFeatures(3, include_bias=False).fit_transform(sparse_x)[0].tolist(),
}

with open(os.path.join(HERE, "categorical_reference.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
