package org.beamlink.models.online;

import java.util.Arrays;

/**
 * FTRL's per-coordinate accumulators {@code z} and {@code n} for the coordinates touched so far: an
 * open-addressing hash map from coordinate to (z, n) with linear probing, at most half full, so its
 * size follows the touched coordinates and not the model's dimension (2^24 hashed features cost
 * nothing until touched). Slots are stable until the next insertion.
 *
 * <p>Lookups do not write, so threads may read concurrently while no thread inserts or updates.
 */
final class FtrlAccumulators {
  private static final int EMPTY = -1;

  private int[] keys;
  private double[] z;
  private double[] n;
  private int size;
  private int mask;

  /** An empty map with room for {@code expected} coordinates before it grows. */
  FtrlAccumulators(int expected) {
    int capacity = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
    allocate(capacity);
  }

  private void allocate(int capacity) {
    keys = new int[capacity];
    Arrays.fill(keys, EMPTY);
    z = new double[capacity];
    n = new double[capacity];
    mask = capacity - 1;
    size = 0;
  }

  /** Coordinates stored. */
  int size() {
    return size;
  }

  /** Number of slots; slot {@code s} holds a coordinate when {@link #keyAt} is not negative. */
  int capacity() {
    return keys.length;
  }

  /** The coordinate in slot {@code s}, or -1 for an empty slot. */
  int keyAt(int s) {
    return keys[s];
  }

  /** {@code z} of slot {@code s}. */
  double z(int s) {
    return z[s];
  }

  /** {@code n} of slot {@code s}. */
  double n(int s) {
    return n[s];
  }

  /** Sets the accumulators of slot {@code s}. */
  void set(int s, double zValue, double nValue) {
    z[s] = zValue;
    n[s] = nValue;
  }

  /** The slot of {@code key}, or -1 when it has none. */
  int slot(int key) {
    int s = hash(key) & mask;
    while (true) {
      int k = keys[s];
      if (k == key) {
        return s;
      }
      if (k == EMPTY) {
        return -1;
      }
      s = (s + 1) & mask;
    }
  }

  /**
   * Adds {@code key} (not yet stored, at least 0) with accumulators {@code zValue} and {@code
   * nValue}; returns its slot.
   */
  int insert(int key, double zValue, double nValue) {
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    int s = hash(key) & mask;
    while (keys[s] != EMPTY) {
      s = (s + 1) & mask;
    }
    keys[s] = key;
    z[s] = zValue;
    n[s] = nValue;
    size++;
    return s;
  }

  private void grow() {
    int[] oldKeys = keys;
    double[] oldZ = z;
    double[] oldN = n;
    allocate(oldKeys.length * 2);
    for (int s = 0; s < oldKeys.length; s++) {
      if (oldKeys[s] != EMPTY) {
        insert(oldKeys[s], oldZ[s], oldN[s]);
      }
    }
  }

  /** The stored coordinates' slots in increasing coordinate order (a deterministic order). */
  int[] slotsByKey() {
    long[] packed = new long[size];
    int i = 0;
    for (int s = 0; s < keys.length; s++) {
      if (keys[s] != EMPTY) {
        packed[i++] = ((long) keys[s] << 32) | s;
      }
    }
    Arrays.sort(packed);
    int[] slots = new int[size];
    for (int j = 0; j < size; j++) {
      slots[j] = (int) packed[j];
    }
    return slots;
  }

  private static int hash(int key) {
    int h = key * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
