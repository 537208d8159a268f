"""Why bench als's sample RMSE is 0.197 when its noise has standard deviation 0.0577.

Generates bench als's ratings (AlsBenchmark.rating: user u rates items (h(u) + j 7919) mod items,
each rating the dot product of rank-10 true factors uniform in [0, 1) plus uniform noise in
[-0.1, 0.1)) at a tenth of the users and items, with the same 100 ratings a user and 500 an item,
and runs explicit ALS-WR (the solves of als_reference.py, vectorised) for several regParams and
iteration counts, printing the RMSE on 10,000 of the training ratings as the bench does.
The initial factors are unit-norm normals from numpy, not Beamlink's hashed ones.
Run: /usr/bin/python3 als_bench_rmse.py > als_bench_rmse.txt (about two minutes).
"""
import sys
import numpy as np


def mix(z):
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniform(h):
    return (h >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def truth(seed, keys, rank):
    base = mix(np.uint64(seed) ^ keys.astype(np.uint64))
    return np.stack([uniform(mix(base + np.uint64(f))) for f in range(rank)], axis=1)


def data(users, items, per_user, rank, seed):
    u = np.arange(users, dtype=np.int64)
    start = (mix(np.uint64(seed) ^ u.astype(np.uint64)) % np.uint64(items)).astype(np.int64)
    j = np.arange(per_user, dtype=np.int64)
    user = np.repeat(u, per_user)
    item = (np.repeat(start, per_user) + np.tile(j, users) * 7919) % items
    i = np.arange(users * per_user, dtype=np.uint64)
    tu = truth(seed, 2 * np.arange(users), rank)
    ti = truth(seed, 2 * np.arange(items) + 1, rank)
    clean = np.einsum("nf,nf->n", tu[user], ti[item])
    noise = 0.2 * (uniform(mix(np.uint64(seed * 31) + i)) - 0.5)
    return user, item, clean + noise, clean


def solve(dst, src, r, n_dst, factors, reg, rank):
    y = factors[src]
    a = np.zeros((n_dst, rank, rank))
    for f in range(rank):
        for g in range(f, rank):
            a[:, f, g] = np.bincount(dst, weights=y[:, f] * y[:, g], minlength=n_dst)
            a[:, g, f] = a[:, f, g]
    b = np.stack([np.bincount(dst, weights=r * y[:, f], minlength=n_dst) for f in range(rank)],
                 axis=1)
    n = np.bincount(dst, minlength=n_dst)
    a += reg * n[:, None, None] * np.eye(rank)
    return np.linalg.solve(a, b[:, :, None])[:, :, 0]


def main():
    users, items, per_user, rank, seed = 10_000, 2_000, 100, 10, 7
    user, item, r, clean = data(users, items, per_user, rank, seed)
    step = max(1, len(r) // 10_000)
    sample = np.arange(0, len(r), step)
    print("noise sd %.4f, sample rmse of the truth %.4f"
          % (0.2 / np.sqrt(12), np.sqrt(np.mean((clean[sample] - r[sample]) ** 2))))
    rng = np.random.RandomState(seed)
    init = rng.normal(size=(users, rank))
    init /= np.linalg.norm(init, axis=1, keepdims=True)
    for reg in [0.01, 0.001]:
        x = init.copy()
        for it in range(1, 31):
            y = solve(item, user, r, items, x, reg, rank)
            x = solve(user, item, r, users, y, reg, rank)
            if it in (10, 30):
                p = np.einsum("nf,nf->n", x[user[sample]], y[item[sample]])
                print("regParam %g, %d iterations: sample rmse %.4f" % (
                    reg, it, np.sqrt(np.mean((p - r[sample]) ** 2))))
                sys.stdout.flush()


if __name__ == "__main__":
    main()
