package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * AllReduces of millions of values on the distributed path, which ships them in pieces: on Flink
 * batch, where one record of a worker's partials used to exceed the sort buffer ("The record
 * exceeds the maximum size of a sort buffer"), each path's result equals, bit for bit, the reduce
 * in task order computed here.
 */
class AllReduceInPiecesTest {
  private static final int TASKS = 3;

  /** Not a multiple of the piece size; 24 MB a task. */
  private static final int SUM_SIZE = 3_000_001;

  /** A second and third AllReduce in the same superstep, of another size. */
  private static final int EXTREMA_SIZE = 200_003;

  /** Task {@code t}'s own value at {@code i}: sums of them depend on the order of addition. */
  static double local(int t, int i, int step) {
    return Math.sin(i * 0.37 + t + step) * Math.pow(10, (i + t) % 7);
  }

  /**
   * Superstep 1 puts each task's own values in "sum", "max" and "min"; superstep 2 adds half the
   * reduced sum to new values of its own, so the second AllReduce starts from the first's result.
   */
  static final class Fill extends ComputeFunction {
    @Override
    public void calc(ComContext context) {
      int t = context.getTaskId();
      int step = context.getStepNo();
      double[] previous = context.getObj("sum");
      double[] sum = new double[SUM_SIZE];
      for (int i = 0; i < SUM_SIZE; i++) {
        sum[i] = local(t, i, step) + (previous == null ? 0 : previous[i] / 2);
      }
      double[] max = new double[EXTREMA_SIZE];
      double[] min = new double[EXTREMA_SIZE];
      for (int i = 0; i < EXTREMA_SIZE; i++) {
        max[i] = local(t, i * 7, step);
        min[i] = -local(t, i * 3, step);
      }
      context.putObj("sum", sum);
      context.putObj("max", max);
      context.putObj("min", min);
    }
  }

  /** The three reduced arrays as they were reduced in task order, in the test's own loop. */
  static String expected() {
    double[] sum = null;
    double[] max = null;
    double[] min = null;
    for (int step = 1; step <= 2; step++) {
      double[] reduced = new double[SUM_SIZE];
      max = new double[EXTREMA_SIZE];
      min = new double[EXTREMA_SIZE];
      for (int t = 0; t < TASKS; t++) {
        for (int i = 0; i < SUM_SIZE; i++) {
          double own = local(t, i, step) + (sum == null ? 0 : sum[i] / 2);
          reduced[i] = t == 0 ? own : reduced[i] + own;
        }
        for (int i = 0; i < EXTREMA_SIZE; i++) {
          double hi = local(t, i * 7, step);
          double lo = -local(t, i * 3, step);
          max[i] = t == 0 ? hi : Math.max(max[i], hi);
          min[i] = t == 0 ? lo : Math.min(min[i], lo);
        }
      }
      sum = reduced;
    }
    return digest(sum, max, min);
  }

  /** The arrays' lengths and a hash of their bits. */
  static String digest(double[] sum, double[] max, double[] min) {
    return sum.length
        + "/"
        + max.length
        + "/"
        + min.length
        + ":"
        + Arrays.hashCode(bits(sum))
        + ","
        + Arrays.hashCode(bits(max))
        + ","
        + Arrays.hashCode(bits(min));
  }

  private static long[] bits(double[] values) {
    return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
  }

  private static PCollection<String> program(PCollection<Double> data, Execution path) {
    return IterativeComQueue.create("pieces-" + path)
        .initWithPartitionedData("data", data)
        .add(new Fill())
        .add(AllReduce.sum("sum"))
        .add(AllReduce.max("max"))
        .add(AllReduce.min("min"))
        .setMaxIter(2)
        .withNumTasks(TASKS)
        .withExecution(path)
        .closeWith(
            c ->
                List.of(
                    c.getTaskId()
                        + "="
                        + digest(c.getObj("sum"), c.getObj("max"), c.getObj("min"))),
            StringUtf8Coder.of())
        .exec();
  }

  /**
   * 3,000,001 doubles summed and 200,003 maximised and minimised over three tasks, twice, on Flink
   * batch: both paths give every task the reduce in task order, bit for bit.
   */
  @Test
  void millionsOfValuesReduceOnFlinkAsInTaskOrder() {
    Pipeline p = TestRunner.FLINK_BATCH.create();
    PCollection<Double> data = p.apply(Create.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0));
    List<PCollection<String>> outputs = new ArrayList<>();
    for (Execution path : new Execution[] {Execution.DISTRIBUTED, Execution.IN_WORKER}) {
      outputs.add(program(data, path));
    }
    String expected = expected();
    List<String> all = new ArrayList<>();
    for (int repeat = 0; repeat < 2; repeat++) {
      for (int t = 0; t < TASKS; t++) {
        all.add(t + "=" + expected);
      }
    }
    PAssert.that(PCollectionList.of(outputs).apply(Flatten.pCollections())).containsInAnyOrder(all);
    TestRunner.FLINK_BATCH.run(p);
  }

  /** Puts 70,000 values under "v" on task 0 and 69,999 on the others: across a piece boundary. */
  static final class Uneven extends ComputeFunction {
    @Override
    public void calc(ComContext context) {
      context.putObj("v", new double[context.getTaskId() == 0 ? 70_000 : 69_999]);
    }
  }

  /** A size mismatch between tasks fails with the in-worker path's message. */
  @Test
  void aSizeMismatchBetweenTasksFailsAsBefore() {
    for (Execution path : new Execution[] {Execution.DISTRIBUTED, Execution.IN_WORKER}) {
      Pipeline p = TestRunner.DIRECT.create();
      IterativeComQueue.create("mismatch-" + path)
          .initWithPartitionedData("data", p.apply(Create.of(1.0, 2.0, 3.0)))
          .add(new Uneven())
          .add(AllReduce.sum("v"))
          .setMaxIter(1)
          .withNumTasks(2)
          .withExecution(path)
          .closeWith(c -> List.of(1.0), DoubleCoder.of())
          .exec();
      Throwable e = assertThrows(Throwable.class, () -> TestRunner.DIRECT.run(p));
      String message = IterativeComQueueTest.rootMessage(e);
      assertTrue(
          message.contains(
              "AllReduce 'v': task 1 has 69999 values but task 0 has 70000;"
                  + " expected the same size on every task"),
          path + ": " + message);
    }
  }

  /** The piece size keeps every group of pieces below the sort buffer, whatever the tasks. */
  @Test
  void piecesAreBoundedByTheGroupBudget() {
    assertEquals(65_536, AllReducePiece.valuesPerPiece(2));
    assertEquals(65_536, AllReducePiece.valuesPerPiece(8));
    assertEquals(32_768, AllReducePiece.valuesPerPiece(16));
  }
}
