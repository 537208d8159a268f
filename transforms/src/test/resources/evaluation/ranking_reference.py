"""Ranking metrics of RankingMetricsTest, by Spark's RankingMetrics definitions, written out plainly.

Run with /usr/bin/python3 ranking_reference.py; it prints the numbers the Java test asserts. The
example is Spark's own (mllib RankingMetricsSuite, "MAP, NDCG, Recall with integer type"): its
documented values 0.355026 (MAP), 0.328788 (NDCG@5) and 0.487913 (NDCG@10) are checked here too.
Hit rate@k (not in Spark): the share of queries with a relevant item among their first k.
"""
import math

QUERIES = [
    ([1, 6, 2, 7, 8, 3, 9, 10, 4, 5], [1, 2, 3, 4, 5]),
    ([4, 1, 5, 6, 2, 7, 3, 8, 9, 10], [1, 2, 3]),
    ([1, 2, 3, 4, 5], []),
]


def ratio(pred, lab, k, denominator):
    lab = set(lab)
    return sum(1 for p in pred[:k] if p in lab) / denominator if lab else 0.0


def average_precision(pred, lab, k):
    lab = set(lab)
    if not lab:
        return 0.0
    cnt, total = 0, 0.0
    for i, p in enumerate(pred[:k]):
        if p in lab:
            cnt += 1
            total += cnt / (i + 1)
    return total / min(len(lab), k)


def ndcg(pred, lab, k):
    lab = set(lab)
    if not lab:
        return 0.0
    n = min(max(len(pred), len(lab)), k)
    dcg = sum(1 / math.log(i + 2) for i in range(n) if i < len(pred) and pred[i] in lab)
    ideal = sum(1 / math.log(i + 2) for i in range(n) if i < len(lab))
    return dcg / ideal


def hit(pred, lab, k):
    return 1.0 if set(pred[:k]) & set(lab) else 0.0


def mean(f):
    return sum(f(p, l) for p, l in QUERIES) / len(QUERIES)


MAP = mean(lambda p, l: average_precision(p, l, max(len(p), len(set(l)))))
assert round(MAP, 6) == 0.355026
assert round(mean(lambda p, l: ndcg(p, l, 5)), 6) == 0.328788
assert round(mean(lambda p, l: ndcg(p, l, 10)), 6) == 0.487913
print("meanAveragePrecision", repr(MAP))
for k in (1, 2, 3, 4, 5, 10, 15):
    print(k, "precision", repr(mean(lambda p, l: ratio(p, l, k, k))),
          "recall", repr(mean(lambda p, l: ratio(p, l, k, len(set(l)) or 1))),
          "ndcg", repr(mean(lambda p, l: ndcg(p, l, k))),
          "map", repr(mean(lambda p, l: average_precision(p, l, k))),
          "hitRate", repr(mean(lambda p, l: hit(p, l, k))))
