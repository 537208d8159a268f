package org.beamlink.iteration;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The queue as an interpreter both execution paths share: it runs a partition from its program
 * counter to the next AllReduce or to the end of the loop, and applies AllReduce results. The paths
 * differ only in how partials travel (memory, or a side input inline or by reference), so they
 * compute the same.
 */
final class ComQueueProgram implements Serializable {
  private static final long serialVersionUID = 1L;

  final String name;
  private final List<Object> items;
  private final CompareCriterionFunction criterion;
  final int maxIter;
  final int numAllReduces;

  ComQueueProgram(
      String name, List<Object> items, CompareCriterionFunction criterion, int maxIter) {
    this.name = name;
    this.items = new ArrayList<>(items);
    this.criterion = criterion;
    this.maxIter = maxIter;
    this.numAllReduces = (int) items.stream().filter(i -> i instanceof AllReduce).count();
  }

  /**
   * Number of distributed stages that always suffice: the first runs to the first AllReduce, each
   * further one from an AllReduce to the next; the loop has {@code maxIter * numAllReduces} of
   * them.
   */
  int maxStages() {
    return numAllReduces == 0 ? 1 : maxIter * numAllReduces + 1;
  }

  /**
   * Runs {@code context} until it reaches an AllReduce, which it returns (its partial is then the
   * partition's buffer), or until the loop ends, when it returns null and marks the context
   * finished.
   */
  AllReduce runUntilCommunication(ComContext context) {
    while (true) {
      if (context.pc == items.size()) {
        boolean stop = criterion != null && criterion.calc(context);
        if (stop || context.stepNo >= maxIter) {
          context.finished = true;
          return null;
        }
        context.stepNo++;
        context.pc = 0;
      }
      int index = context.pc++;
      Object item = items.get(index);
      if (item instanceof AllReduce allReduce) {
        allReduce.buffer(context);
        context.pendingAllReduce = index;
        return allReduce;
      }
      ((ComputeFunction) item).calc(context);
    }
  }

  /** The AllReduce a context waits for. */
  AllReduce pending(ComContext context) {
    return (AllReduce) items.get(context.pendingAllReduce);
  }

  /** Writes a reduced result into the context's buffer, in place. */
  void applyReduced(ComContext context, double[] reduced) {
    AllReduce allReduce = pending(context);
    double[] buffer = allReduce.buffer(context);
    if (buffer.length != reduced.length) {
      throw new IllegalStateException(
          "AllReduce '"
              + allReduce.name()
              + "': task "
              + context.getTaskId()
              + " has "
              + buffer.length
              + " values but the reduced result has "
              + reduced.length);
    }
    System.arraycopy(reduced, 0, buffer, 0, reduced.length);
    context.pendingAllReduce = -1;
  }

  /**
   * Puts a reduced result in place of the buffer a context shipped without (the distributed path
   * takes the buffer out of the token, as the result replaces it).
   */
  void putReduced(ComContext context, double[] reduced) {
    context.putObj(pending(context).name(), reduced);
    context.pendingAllReduce = -1;
  }

  /** Fails unless every task reached the same point: the criterion must agree on all of them. */
  void checkAgreement(int arrived, int numTask, int stepNo) {
    if (arrived != numTask) {
      throw new IllegalStateException(
          "ComQueue '"
              + name
              + "' at superstep "
              + stepNo
              + ": "
              + arrived
              + " of "
              + numTask
              + " tasks went on; the stop criterion must give the same answer on every task"
              + " (let it depend only on reduced values, broadcast data and the step number)");
    }
  }
}
