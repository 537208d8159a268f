"""Reference numbers for TextDemoTest (scikit-learn as the oracle).

Run from this directory with Debian's Python:
    /usr/bin/python3 text_demo_reference.py
Written with scikit-learn 1.2.1, numpy 1.24.2 (stored in text_demo_reference.json
under "versions"). Reads ../../../../data/spam-assassin-sample.csv (every 10th
message of the corpus, written by examples/data/fetch-spam-assassin.sh) and
writes text_demo_reference.json, for the whole sample ("sample") and for every
8th message of it ("eighth", which the DirectRunner test reads):
  - the demo's train/test split (seed 42, test fraction 0.2): FNV-1a 64 of the
    UTF-8 bytes of text + "\\0" + label, SplitMix64-mixed with the seed, test
    when the top 53 bits / 2^53 < 0.2 (TextDemo.split, a RandomSplit);
  - MultinomialNB(alpha=1) on CountVectorizer(stop_words="english", min_df=2,
    max_features=20000) and on TfidfVectorizer(same), fitted on the training
    rows: accuracy and F1 at P(spam) >= 0.5 and ROC AUC on the test rows. The
    demo's tokenizer (scikit-learn's token pattern, lower case), stop words
    (scikit-learn's list) and vectorizers (counts; TF-IDF with smooth IDF and
    L2 norm) are the same, so its naive Bayes rows must give these numbers.
"""
import csv
import json

import numpy as np
import sklearn
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.naive_bayes import MultinomialNB

MASK = (1 << 64) - 1


def mix(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def is_test(text, label, seed=42, fraction=0.2):
    h = 0xCBF29CE484222325
    for b in (text + "\0" + label).encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & MASK
    return (mix(h ^ seed) >> 11) * 2.0**-53 < fraction


def case(rows):
    train = [r for r in rows if not is_test(r["text"], r["label"])]
    test = [r for r in rows if is_test(r["text"], r["label"])]
    y_train = np.array([r["label"] == "spam" for r in train])
    y_test = np.array([r["label"] == "spam" for r in test])
    out = {"train_rows": len(train), "test_rows": len(test)}
    for name, vectorizer in [
        ("count_naive_bayes", CountVectorizer(stop_words="english", min_df=2, max_features=20000)),
        ("tfidf_naive_bayes", TfidfVectorizer(stop_words="english", min_df=2, max_features=20000)),
    ]:
        x_train = vectorizer.fit_transform([r["text"] for r in train])
        x_test = vectorizer.transform([r["text"] for r in test])
        p = MultinomialNB(alpha=1.0).fit(x_train, y_train).predict_proba(x_test)[:, 1]
        out[name] = {
            "features": x_train.shape[1],
            "accuracy": accuracy_score(y_test, p >= 0.5),
            "auc": roc_auc_score(y_test, p),
            "f1": f1_score(y_test, p >= 0.5),
        }
    return out


def main():
    csv.field_size_limit(1 << 30)
    with open("../../../../data/spam-assassin-sample.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    out = {
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "sample": case(rows),
        "eighth": case(rows[::8]),
    }
    with open("text_demo_reference.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
