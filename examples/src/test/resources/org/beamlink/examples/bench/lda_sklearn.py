"""scikit-learn's time beside `beamlink bench lda` on the same corpus.

    bin/beamlink bench lda --corpus-out /tmp/lda-corpus.txt
    /usr/bin/python3 lda_sklearn.py /tmp/lda-corpus.txt 20000 20 10

Reads the corpus bench lda wrote (one document a line of term:count pairs),
fits LatentDirichletAllocation(n_components=TOPICS, learning_method="batch",
max_iter=PASSES, random_state=0) on it (scikit-learn's defaults otherwise:
priors 1/TOPICS, max_doc_update_iter 100, mean_change_tol 1e-3, one job) and
prints one JSON line: the fit's seconds and its training perplexity (bound_).
"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.decomposition import LatentDirichletAllocation


def read(path, vocabulary):
    indptr, indices, data = [0], [], []
    with open(path) as f:
        for line in f:
            for pair in line.split():
                term, count = pair.split(":")
                indices.append(int(term))
                data.append(float(count))
            indptr.append(len(indices))
    return sp.csr_matrix((np.array(data), np.array(indices), np.array(indptr)),
                         shape=(len(indptr) - 1, vocabulary))


def main():
    path, vocabulary, topics, passes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    X = read(path, vocabulary)
    lda = LatentDirichletAllocation(n_components=topics, learning_method="batch",
                                    max_iter=passes, random_state=0)
    start = time.perf_counter()
    lda.fit(X)
    seconds = time.perf_counter() - start
    print(json.dumps({"algorithm": "lda", "runner": "scikit-learn " + sklearn.__version__,
                      "documents": X.shape[0], "vocabulary": vocabulary, "topics": topics,
                      "passes": passes, "seconds": round(seconds, 3),
                      "perplexity": round(float(lda.bound_), 3)}))


if __name__ == "__main__":
    main()
