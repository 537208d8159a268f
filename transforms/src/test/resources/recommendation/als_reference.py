"""Reference factors for org.beamlink.transforms.recommendation.AlsTest.

Run from this directory with Debian's numpy and scipy:
    /usr/bin/python3 als_reference.py > als_reference.json

Generates a small rating table (written into the JSON, so that the Java test trains on exactly
these numbers), computes the same initial user factors as Beamlink's AlsBlocks.initialFactors
(SplitMix64 hashes of the seed and the id, Box-Muller, unit norm) and runs the alternating
normal-equation solves directly: each iteration solves every item from the user factors, then
every user from the item factors. Explicit: (sum y y' + regParam n I) x = sum r y, n the number
of ratings. Implicit (Hu, Koren, Volinsky, Spark's form): (Y'Y + sum c1 y y' + regParam n I) x =
sum_{r > 0} (1 + c1) y with c1 = alpha |r| and n the number of positive ratings. Nonnegative:
scipy.optimize.nnls on the Cholesky factor of the same regularised system.
"""
import json
import math

import numpy as np
from scipy.optimize import nnls

MASK = (1 << 64) - 1


def mix(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def uniform(h):
    return (h >> 11) * 2.0 ** -53


def initial_factors(seed, id_, rank):
    h = mix((seed & MASK) ^ mix(id_ & MASK))
    f = []
    for j in range(rank):
        u1 = 1.0 - uniform(mix((h + 2 * j) & MASK))
        u2 = uniform(mix((h + 2 * j + 1) & MASK))
        f.append(math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2))
    f = np.array(f)
    return f / math.sqrt(float(np.dot(f, f)))


def solve(ratings, src, rank, reg, implicit, alpha, nonnegative):
    """Solves every destination id from the source factors {id: vector}."""
    gram = None
    if implicit:
        ys = np.array([src[k] for k in sorted(src)])
        gram = ys.T @ ys
    out = {}
    for dst, pairs in ratings.items():
        a = gram.copy() if implicit else np.zeros((rank, rank))
        b = np.zeros(rank)
        n = 0
        for other, r in pairs:
            y = src[other]
            if implicit:
                c1 = alpha * abs(r)
                a += c1 * np.outer(y, y)
                if r > 0:
                    b += (1.0 + c1) * y
                    n += 1
            else:
                a += np.outer(y, y)
                b += r * y
                n += 1
        a += reg * n * np.eye(rank)
        if nonnegative:
            l = np.linalg.cholesky(a)
            out[dst] = nnls(l.T, np.linalg.solve(l, b), maxiter=1000)[0]
        else:
            out[dst] = np.linalg.solve(a, b)
    return out


def als(table, rank, reg, iters, seed, implicit=False, alpha=1.0, nonnegative=False):
    by_user, by_item = {}, {}
    for u, i, r in table:
        by_user.setdefault(u, []).append((i, r))
        by_item.setdefault(i, []).append((u, r))
    users = {u: initial_factors(seed, u, rank) for u in by_user}
    for _ in range(iters):
        items = solve(by_item, users, rank, reg, implicit, alpha, nonnegative)
        users = solve(by_user, items, rank, reg, implicit, alpha, nonnegative)
    return {
        "userIds": sorted(users),
        "userFactors": [float(v) for u in sorted(users) for v in users[u]],
        "itemIds": sorted(items),
        "itemFactors": [float(v) for i in sorted(items) for v in items[i]],
        "initialUserFactors": [float(v) for u in sorted(users)
                               for v in initial_factors(seed, u, rank)],
    }


def ratings_table():
    rng = np.random.RandomState(26)
    user_ids = [3 + 7 * k for k in range(40)] + [-5, 1 << 40]
    item_ids = [11 * k for k in range(25)] + [-(1 << 33)]
    true_u = rng.normal(size=(len(user_ids), 3))
    true_i = rng.normal(size=(len(item_ids), 3))
    table = []
    for a, u in enumerate(user_ids):
        for b, i in enumerate(item_ids):
            if rng.uniform() < 0.35 or b == a % len(item_ids):
                table.append((u, i, round(float(true_u[a] @ true_i[b] + 0.1 * rng.normal()), 3)))
    return table


def main():
    table = ratings_table()
    out = {
        "ratings": [[u, i, r] for u, i, r in table],
        "explicit": dict(rank=3, regParam=0.1, maxIter=4, seed=42, **als(table, 3, 0.1, 4, 42)),
        "implicit": dict(rank=3, regParam=0.05, maxIter=3, seed=7, alpha=2.0,
                         **als(table, 3, 0.05, 3, 7, implicit=True, alpha=2.0)),
        "nonnegative": dict(rank=3, regParam=0.1, maxIter=3, seed=42,
                            **als(table, 3, 0.1, 3, 42, nonnegative=True)),
    }
    json.dump(out, fp=__import__("sys").stdout, indent=1)


if __name__ == "__main__":
    main()
