"""Reference matrices for DocCountVectorizerTest, from scikit-learn's CountVectorizer and
TfidfVectorizer with their default tokenization (token_pattern r"(?u)\\b\\w\\w+\\b", lower case).

Run with Debian's Python: /usr/bin/python3 vectorizer_reference.py > vectorizer_reference.json
(scikit-learn 1.2.1, numpy 1.24.2 when written). The corpus starts with the four documents of
scikit-learn's CountVectorizer documentation; the rest were written for this test (punctuation,
numbers, Unicode letters, repeated words, and an empty document).
"""
import json

import numpy as np
import sklearn
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer

CORPUS = [
    "This is the first document.",
    "This document is the second document.",
    "And this is the third one.",
    "Is this the first document?",
    "The quick brown fox jumps over the lazy dog; the dog sleeps.",
    "A café in Zürich serves crème brûlée: Café Ünïcödé!",
    "Spam, spam, spam: win 1000 dollars now!!! Click here to win.",
    "Meeting moved to 3pm -- please confirm the new time, Bob.",
    "",
    "I don't think the second draft is better than the first draft.",
    "Dogs and foxes are not the same animal, although both are mammals.",
    "Win a free cruise: reply WIN to 80080 now.",
    "The document about the lazy dog was the first one I read.",
]

# name -> (class, keyword arguments)
CASES = {
    "count": (CountVectorizer, {}),
    "count_min_df_2_max_df_half": (CountVectorizer, {"min_df": 2, "max_df": 0.5}),
    "count_min_df_fraction_max_df_4": (CountVectorizer, {"min_df": 0.1, "max_df": 4}),
    "count_max_features_9": (CountVectorizer, {"max_features": 9}),
    "count_binary_min_df_2": (CountVectorizer, {"binary": True, "min_df": 2}),
    "count_stop_words_english": (CountVectorizer, {"stop_words": "english"}),
    "tfidf": (TfidfVectorizer, {}),
    "tfidf_no_norm_min_df_2": (TfidfVectorizer, {"norm": None, "min_df": 2}),
    "tfidf_l1_max_features_9": (TfidfVectorizer, {"norm": "l1", "max_features": 9}),
    "tfidf_stop_words_english": (TfidfVectorizer, {"stop_words": "english"}),
}


def check_no_tie_at_cut(kwargs):
    """max_features keeps the most frequent terms; a tie at the cut would make the choice arbitrary."""
    k = kwargs.get("max_features")
    if k is None:
        return
    counts = np.asarray(CountVectorizer().fit_transform(CORPUS).sum(axis=0)).ravel()
    ordered = np.sort(counts)[::-1]
    assert ordered[k - 1] > ordered[k], "tie at the max_features cut"


out = {
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "corpus": CORPUS,
    # The default analyzer's tokens of each document: lower case, then token_pattern.
    "tokens": [CountVectorizer().build_analyzer()(doc) for doc in CORPUS],
    "english_stop_words": sorted(ENGLISH_STOP_WORDS),
    "cases": {},
}
for name, (cls, kwargs) in CASES.items():
    check_no_tie_at_cut(kwargs)
    v = cls(**kwargs)
    m = v.fit_transform(CORPUS).toarray()
    case = {
        "params": kwargs,
        "vocabulary": [str(t) for t in v.get_feature_names_out()],
        "matrix": [[float(x) for x in row] for row in m],
    }
    if hasattr(v, "idf_"):
        case["idf"] = [float(x) for x in v.idf_]
    out["cases"][name] = case
print(json.dumps(out, indent=1, ensure_ascii=False))
