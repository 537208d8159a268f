"""Reference values for RowContentHashTest and RandomSplitTest, from the documented byte form.

Run with any Python 3 (no packages): /usr/bin/python3 random_split_reference.py
Each row's values become bytes as RowContentHash's javadoc says (a 0x00 byte between fields;
null 0xFF; strings UTF-8; integers and doubles as 8 bytes big-endian, a double's IEEE bits),
hashed with FNV-1a 64; RandomSplit mixes the hash with the seed by SplitMix64's finalizer and
takes the top 53 bits / 2^53 as u; with weights summing to 1 a row is in part 0 when u < w0.
"""
import struct

MASK = (1 << 64) - 1


def fnv1a(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & MASK
    return h


def mix(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def value(v):
    if v is None:
        return b"\xff"
    if isinstance(v, str):
        return v.encode("utf-8")
    if isinstance(v, bool):
        return bytes([1 if v else 0])
    if isinstance(v, int):
        return struct.pack(">q", v)
    if isinstance(v, float):
        return struct.pack(">d", v + 0.0)
    raise TypeError(v)


def row_hash(values):
    return fnv1a(b"\x00".join(value(v) for v in values))


def uniform(seed, values):
    return (mix(row_hash(values) ^ seed) >> 11) * 2.0**-53


def signed(h):
    return h - (1 << 64) if h >= 1 << 63 else h


ROWS = [
    ("hello world", "ham"),
    ("", "spam"),
    ("Grüße, 世界", "ham"),
]
MIXED = [
    ("a", 1, 2.5, None, True),
    ("b", -7, -0.0, "x", False),
]
if __name__ == "__main__":
    for r in ROWS + MIXED:
        print(repr(r), "hash", signed(row_hash(r)), "u(seed 42)", repr(uniform(42, r)))
