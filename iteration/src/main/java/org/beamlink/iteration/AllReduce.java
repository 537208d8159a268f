package org.beamlink.iteration;

import java.io.Serializable;
import java.util.List;

/**
 * A communication step: every partition's {@code double[]} of the given name is combined
 * element-wise (sum, max or min) over all partitions, and each partition's array then holds the
 * result. Partials are combined in task order, so the result does not depend on arrival order.
 *
 * <pre>{@code
 * queue.add(new LocalSums()).add(AllReduce.sum("sums")).add(new UpdateModel());
 * }</pre>
 */
public final class AllReduce implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How partials are combined. */
  public enum Op {
    /** Element-wise sum. */
    SUM,
    /** Element-wise maximum. */
    MAX,
    /** Element-wise minimum. */
    MIN
  }

  private final String name;
  private final Op op;

  private AllReduce(String name, Op op) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected the name of a double[] object, got none");
    }
    this.name = name;
    this.op = op;
  }

  /** Sums the {@code double[]} named {@code name} over all partitions. */
  public static AllReduce sum(String name) {
    return new AllReduce(name, Op.SUM);
  }

  /** Element-wise maximum of the {@code double[]} named {@code name} over all partitions. */
  public static AllReduce max(String name) {
    return new AllReduce(name, Op.MAX);
  }

  /** Element-wise minimum of the {@code double[]} named {@code name} over all partitions. */
  public static AllReduce min(String name) {
    return new AllReduce(name, Op.MIN);
  }

  /** The name of the reduced object. */
  public String name() {
    return name;
  }

  /** The combination. */
  public Op op() {
    return op;
  }

  /** This partition's buffer, checked to exist and be a {@code double[]}. */
  double[] buffer(ComContext context) {
    Object obj = context.getObj(name);
    if (!(obj instanceof double[] buf)) {
      throw new IllegalStateException(
          "AllReduce '"
              + name
              + "': task "
              + context.getTaskId()
              + " has "
              + (obj == null ? "no object" : "a " + obj.getClass().getSimpleName())
              + " under that name; expected a double[] on every task");
    }
    return buf;
  }

  /** Combines partials given in task order (index = task id). */
  double[] reduce(List<double[]> partialsInTaskOrder) {
    double[] result = partialsInTaskOrder.get(0).clone();
    for (int t = 1; t < partialsInTaskOrder.size(); t++) {
      double[] p = partialsInTaskOrder.get(t);
      if (p.length != result.length) {
        throw new IllegalStateException(
            "AllReduce '"
                + name
                + "': task "
                + t
                + " has "
                + p.length
                + " values but task 0 has "
                + result.length
                + "; expected the same size on every task");
      }
      switch (op) {
        case SUM -> {
          for (int i = 0; i < result.length; i++) {
            result[i] += p[i];
          }
        }
        case MAX -> {
          for (int i = 0; i < result.length; i++) {
            result[i] = Math.max(result[i], p[i]);
          }
        }
        case MIN -> {
          for (int i = 0; i < result.length; i++) {
            result[i] = Math.min(result[i], p[i]);
          }
        }
      }
    }
    return result;
  }

  @Override
  public String toString() {
    return "AllReduce." + op.name().toLowerCase(java.util.Locale.ROOT) + "(" + name + ")";
  }
}
