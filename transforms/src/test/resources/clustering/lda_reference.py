"""Reference numbers for LdaTest (scikit-learn 1.2.1 as the oracle).

Run from this directory with Debian's Python:
    /usr/bin/python3 lda_reference.py
Writes lda_reference.json (versions under "versions").

The corpus: the first 120 messages of examples/data/spam-assassin-sample.csv (the
committed text sample), counted by CountVectorizer(stop_words="english",
min_df=5, max_features=200) (alphabetical vocabulary), plus one empty document
(a row of zeros) at the end: 121 documents. Stored as each document's term
indices and counts, with the vocabulary.

The start: the initial topic-word matrix (lambda) is
RandomState(0).gamma(100, 0.01, (K, V)), scikit-learn's own draw for
random_state=0, stored here and given to both sides. scikit-learn's E step
starts every document's gamma from random Gamma(100, 0.01) draws while
training (random_init=True) and from ones when it transforms or scores; Lda
starts from ones always. So scikit-learn runs as SameStart, a subclass whose
_init_latent_vars puts the stored lambda in place and whose _e_step always
passes random_init=False: the same arithmetic from the same start, so the
remaining difference is scikit-learn's digamma (a Cython series that stops at
its x^-6 term from x >= 6, an error up to 2.5e-9) and the order of sums.
Every case is therefore run twice: as scikit-learn ships ("sklearn") and with
its two Cython digamma helpers (_dirichlet_expectation_2d and
_dirichlet_expectation_1d, module attributes of sklearn.decomposition._lda)
replaced by the same arithmetic on scipy.special.psi ("exact"), which is what
Lda computes; max_rel_diff is the largest relative difference of the two
lambdas.

Cases:
  - batch: learning_method="batch", K=5, max_iter=10, no evaluation.
  - batch_early: max_iter=15, evaluate_every=2, perp_tol=3: the training
    perplexity after every 2nd pass, stopping when it changed by less than 3
    since the last evaluation: after 10 passes (perplexities 155.1, 142.5,
    137.7, 134.2, 132.3); scikit-learn's n_iter_ is then 9, as it does not
    count the pass it stops after.
  - online: the online VB of Hoffman et al. as scikit-learn's _em_step with
    batch_update=False (rho = (learning_offset + n)^-learning_decay, n from 1,
    doc_ratio = documents / mini-batch documents), learning_offset=10,
    learning_decay=0.7, 12 mini-batches chosen as Lda chooses them: document d
    is in mini-batch t (1, 2, ...) when the uniform number of its hash
    h = mix(seed * 0x9e3779b97f4a7c15 + t), then h = mix(h ^ index),
    h = mix(h ^ bits(count)) for each stored term in index order (mix is
    SplitMix64's finalizer, bits the IEEE-754 bits), is below the fraction 0.3.
For each: components_ (lambda), the training perplexity (bound_ or, online,
the perplexity of the full corpus after the last mini-batch) and the bound
(score), n_iter_, the topic distributions (transform) of probe documents.
"""
import csv
import json
import struct
import sys

import numpy as np
import scipy
import sklearn
import scipy.special
from sklearn.decomposition import LatentDirichletAllocation
from sklearn.decomposition import _lda
from sklearn.feature_extraction.text import CountVectorizer

MASK = (1 << 64) - 1
K = 5


def mix(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", float(x)))[0]


def in_batch(indices, counts, seed, t, fraction):
    h = mix(((seed * 0x9E3779B97F4A7C15) + t) & MASK)
    for i, c in zip(indices, counts):
        h = mix(h ^ int(i))
        h = mix(h ^ bits(c))
    return (h >> 11) * 2.0**-53 < fraction


class SameStart(LatentDirichletAllocation):
    """scikit-learn's LDA from a given lambda, every document's gamma starting at ones."""

    init = None

    def _init_latent_vars(self, n_features, dtype=np.float64):
        super()._init_latent_vars(n_features, dtype)
        self.components_ = self.init.copy()
        self.exp_dirichlet_component_ = np.exp(_lda._dirichlet_expectation_2d(self.components_))

    def _e_step(self, X, cal_sstats, random_init, parallel=None):
        return super()._e_step(X, cal_sstats, False, parallel)


def summary(lda, X, probes):
    doc_topic = lda._unnormalized_transform(X)
    return {
        "lambda": lda.components_.tolist(),
        "perplexity": float(lda._perplexity_precomp_distr(X, doc_topic)),
        "bound": float(lda._approx_bound(X, doc_topic, sub_sampling=False)),
        "probe_docs": probes,
        "probe_topics": lda.transform(X[probes]).tolist(),
    }


def exact_2d(alpha):
    return scipy.special.psi(alpha) - scipy.special.psi(alpha.sum(axis=1))[:, np.newaxis]


def exact_1d(doc_topic, prior, out):
    doc_topic += prior
    out[:] = np.exp(scipy.special.psi(doc_topic) - scipy.special.psi(doc_topic.sum()))


def cases(X, docs, probes):
    n, v = X.shape
    res = {}
    lda = SameStart(n_components=K, learning_method="batch", max_iter=10, random_state=0)
    lda.fit(X)
    res["batch"] = dict(summary(lda, X, probes), n_iter=int(lda.n_iter_),
                        bound_=float(lda.bound_), max_iter=10)

    lda = SameStart(n_components=K, learning_method="batch", max_iter=15,
                    evaluate_every=2, perp_tol=3.0, random_state=0)
    lda.fit(X)
    res["batch_early"] = dict(summary(lda, X, probes), n_iter=int(lda.n_iter_),
                              bound_=float(lda.bound_), max_iter=15,
                              evaluate_every=2, perp_tol=3.0)

    seed, fraction, batches = 3, 0.3, 12
    lda = SameStart(n_components=K, learning_method="online", learning_offset=10.0,
                    learning_decay=0.7, random_state=0)
    lda._init_latent_vars(v)
    sizes = []
    for t in range(1, batches + 1):
        rows = [d for d in range(n)
                if in_batch(docs[d]["indices"], docs[d]["counts"], seed, t, fraction)]
        sizes.append(len(rows))
        if rows:
            lda._em_step(X[rows], total_samples=n, batch_update=False)
    res["online"] = dict(summary(lda, X, probes), seed=seed, fraction=fraction,
                         max_iter=batches, batch_sizes=sizes, learning_offset=10.0,
                         learning_decay=0.7)
    return res


def main():
    csv.field_size_limit(sys.maxsize)
    with open("../../../../../examples/data/spam-assassin-sample.csv", newline="") as f:
        texts = [r["text"] for r in csv.DictReader(f)][:120]
    vectorizer = CountVectorizer(stop_words="english", min_df=5, max_features=200)
    X = vectorizer.fit_transform(texts + [""]).astype(np.float64).tocsr()
    X.sort_indices()
    n, v = X.shape
    init = np.random.RandomState(0).gamma(100.0, 0.01, (K, v))
    docs = [
        {"indices": X.indices[X.indptr[d] : X.indptr[d + 1]].tolist(),
         "counts": X.data[X.indptr[d] : X.indptr[d + 1]].tolist()}
        for d in range(n)
    ]
    probes = [0, 7, 42, 99, n - 1]
    out = {
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__,
                     "scipy": scipy.__version__},
        "k": K,
        "vocabulary": vectorizer.get_feature_names_out().tolist(),
        "docs": docs,
        "init": init.tolist(),
    }

    SameStart.init = init
    out["sklearn"] = cases(X, docs, probes)
    _lda._dirichlet_expectation_2d = exact_2d
    _lda.cy_dirichlet_expectation_1d = {"double": exact_1d, "float": exact_1d}
    out["exact"] = cases(X, docs, probes)
    for name in out["sklearn"]:
        a = np.array(out["sklearn"][name]["lambda"])
        b = np.array(out["exact"][name]["lambda"])
        out["exact"][name]["max_rel_diff"] = float(np.max(np.abs(a - b) / np.maximum(1, b)))
    with open("lda_reference.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
