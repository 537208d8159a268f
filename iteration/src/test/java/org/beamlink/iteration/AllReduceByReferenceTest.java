package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * AllReduces of millions of values on the distributed path, which ships partials above {@link
 * ShippedPartial#inlineValues} by reference: on Flink batch, where one record of a worker's
 * partials used to exceed the sort buffer ("The record exceeds the maximum size of a sort buffer"),
 * each path's result equals, bit for bit, the reduce in task order computed here.
 */
class AllReduceByReferenceTest {
  private static final int TASKS = 3;

  /** 24 MB a task: by reference. */
  private static final int SUM_SIZE = 3_000_001;

  /**
   * A second and third AllReduce in the same superstep, of another size: above the 174,762 values
   * each of three tasks ships inline, so by reference.
   */
  private static final int EXTREMA_SIZE = 200_003;

  /** A fourth, small enough to travel inline. */
  private static final int SMALL_SIZE = 5;

  /** Task {@code t}'s own value at {@code i}: sums of them depend on the order of addition. */
  static double local(int t, int i, int step) {
    return Math.sin(i * 0.37 + t + step) * Math.pow(10, (i + t) % 7);
  }

  /**
   * Superstep 1 puts each task's own values in "sum", "max", "min" and "small"; superstep 2 adds
   * half the reduced sum to new values of its own, so the second AllReduce starts from the first's
   * result.
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
      double[] small = new double[SMALL_SIZE];
      for (int i = 0; i < SMALL_SIZE; i++) {
        small[i] = local(t, i * 11, step);
      }
      context.putObj("sum", sum);
      context.putObj("max", max);
      context.putObj("min", min);
      context.putObj("small", small);
    }
  }

  /** The four reduced arrays as they were reduced in task order, in the test's own loop. */
  static String expected() {
    double[] sum = null;
    double[] max = null;
    double[] min = null;
    double[] small = null;
    for (int step = 1; step <= 2; step++) {
      double[] reduced = new double[SUM_SIZE];
      max = new double[EXTREMA_SIZE];
      min = new double[EXTREMA_SIZE];
      small = new double[SMALL_SIZE];
      for (int t = 0; t < TASKS; t++) {
        for (int i = 0; i < SMALL_SIZE; i++) {
          small[i] = t == 0 ? local(t, i * 11, step) : small[i] + local(t, i * 11, step);
        }
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
    return digest(sum, max, min, small);
  }

  /** The arrays' lengths and a hash of their bits. */
  static String digest(double[]... arrays) {
    StringBuilder lengths = new StringBuilder();
    StringBuilder hashes = new StringBuilder();
    for (double[] a : arrays) {
      lengths.append(a.length).append('/');
      hashes.append(Arrays.hashCode(bits(a))).append(',');
    }
    return lengths + ":" + hashes;
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
        .add(AllReduce.sum("small"))
        .setMaxIter(2)
        .withNumTasks(TASKS)
        .withExecution(path)
        .closeWith(
            c ->
                List.of(
                    c.getTaskId()
                        + "="
                        + digest(
                            c.getObj("sum"), c.getObj("max"), c.getObj("min"), c.getObj("small"))),
            StringUtf8Coder.of())
        .exec();
  }

  /**
   * 3,000,001 doubles summed and 200,003 maximised and minimised over three tasks (by reference),
   * and 5 summed (inline), twice, on Flink batch: both paths give every task the reduce in task
   * order, bit for bit.
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

  /**
   * Puts one value more than {@link ShippedPartial#inlineValues} under "v" on task 0 (shipped by
   * reference) and {@link ShippedPartial#inlineValues} on the others (inline).
   */
  static final class Uneven extends ComputeFunction {
    @Override
    public void calc(ComContext context) {
      int n = ShippedPartial.inlineValues(2);
      context.putObj("v", new double[context.getTaskId() == 0 ? n + 1 : n]);
    }
  }

  /** A size mismatch between tasks fails with the in-worker path's message. */
  @Test
  void aSizeMismatchBetweenTasksFailsAsBefore() {
    int n = ShippedPartial.inlineValues(2);
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
              "AllReduce 'v': task 1 has "
                  + n
                  + " values but task 0 has "
                  + (n + 1)
                  + "; expected the same size on every task"),
          path + ": " + message);
    }
  }

  /**
   * Each task puts its id plus the superstep in every value of a partial shipped by reference, but
   * in the first the number of partials' files under the loop's directory when it runs.
   */
  static final class CountPartialFiles extends ComputeFunction {
    private final String root;

    CountPartialFiles(String root) {
      this.root = root;
    }

    @Override
    public void calc(ComContext context) {
      double[] values = new double[ShippedPartial.inlineValues(2) + 1];
      Arrays.fill(values, context.getTaskId() + context.getStepNo());
      values[0] = partialFiles(root);
      context.putObj("v", values);
    }
  }

  /**
   * The partials' files under {@code root}. Read by name only: tasks delete files while another
   * counts, and {@code Files.walk}, which reads each file's attributes, failed on one that
   * vanished.
   */
  static int partialFiles(String root) {
    return partialFiles(Path.of(root));
  }

  private static int partialFiles(Path dir) {
    int n = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path f : entries) {
        if (Files.isDirectory(f)) {
          n += partialFiles(f);
        } else if (f.getFileName().toString().contains("-partial-")) {
          n++;
        }
      }
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n;
  }

  /**
   * A task deletes its partials once every task has read them, so the loop's directory holds at
   * most two a task, and the close deletes the last ones: none is left after five supersteps on two
   * tasks.
   */
  @Test
  void partialFilesAreDeletedOnceReadAndAtTheEnd(@TempDir Path temp) {
    String root = temp.toString();
    Pipeline p = TestRunner.DIRECT.create("--tempLocation=" + root);
    PCollection<Double> result =
        IterativeComQueue.create("deleted")
            .initWithPartitionedData("data", p.apply(Create.of(1.0, 2.0, 3.0, 4.0)))
            .add(new CountPartialFiles(root))
            .add(AllReduce.sum("v"))
            .setMaxIter(5)
            .withNumTasks(2)
            .withExecution(Execution.DISTRIBUTED)
            .closeWith(
                c -> List.of(c.<double[]>getObj("v")[7], c.<double[]>getObj("v")[0]),
                DoubleCoder.of())
            .exec();
    // The last superstep's sum (0 + 5) + (1 + 5) = 11, and the files both tasks saw at its start:
    // each saw both tasks' partials of the superstep before (which every task was reading), and at
    // most the other task's older one (not yet deleted) and its newer one (already written).
    PAssert.that(result)
        .satisfies(
            values -> {
              List<Double> all = new ArrayList<>();
              values.forEach(all::add);
              assertEquals(4, all.size(), all.toString());
              assertEquals(2, all.stream().filter(v -> v == 11.0).count(), all.toString());
              all.stream()
                  .filter(v -> v != 11.0)
                  .forEach(seen -> assertTrue(seen >= 4 && seen <= 8, "files seen: " + seen));
              return null;
            });
    TestRunner.DIRECT.run(p);
    assertEquals(0, partialFiles(root));
  }
}
