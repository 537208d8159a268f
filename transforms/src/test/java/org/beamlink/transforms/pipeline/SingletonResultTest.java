package org.beamlink.transforms.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.evaluation.BinaryClassificationEvaluation;
import org.beamlink.transforms.evaluation.BinaryMetrics;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SingletonResult}: a pipeline's one result back in the program, on Direct and Flink, in the
 * temporary directory or {@code --tempLocation}; empty, plural, unbounded and windowed input.
 */
class SingletonResultTest {
  private static final Schema SCORED =
      Schema.builder().addInt32Field("label").addDoubleField("score").build();

  @TempDir Path dir;

  /**
   * Evaluation metrics back in the program: 3 positives scored 0.9, 0.7, 0.6 and 3 negatives scored
   * 0.8, 0.3, 0.1 rank 7 of the 9 (positive, negative) pairs right, so AUC = 7/9; at threshold 0.5
   * 5 of 6 rows are right.
   */
  @BoundedRunnerTest
  void bringsBackEvaluationMetrics(TestRunner runner) throws IOException {
    Pipeline p = runner.create();
    PCollection<BinaryMetrics> metrics =
        p.apply(
                Create.of(
                        row(1, 0.9),
                        row(0, 0.8),
                        row(1, 0.7),
                        row(0, 0.3),
                        row(1, 0.6),
                        row(0, 0.1))
                    .withRowSchema(SCORED))
            .apply(BinaryClassificationEvaluation.of("label", "score"));
    SingletonResult<BinaryMetrics> result = SingletonResult.of(metrics);
    runner.run(p);
    BinaryMetrics m = result.get();
    assertEquals(7.0 / 9.0, m.auc(), 1e-15);
    assertEquals(5.0 / 6.0, m.accuracy(), 1e-15);
    assertEquals(6, m.count());
    assertFalse(Files.exists(Path.of(result.file())), "get() deletes the file");
    assertEquals(m, result.get(), "a second get() gives the same value");
  }

  @Test
  void writesInTheTempLocationWhenGiven() throws IOException {
    Path temp = dir.resolve("shared");
    Files.createDirectories(temp);
    Pipeline p = TestRunner.FLINK_BATCH.create("--tempLocation=" + temp);
    PCollection<Long> sum = p.apply(GenerateSequence.from(1).to(1001)).apply(Sum.longsGlobally());
    SingletonResult<Long> result = SingletonResult.of(sum);
    assertTrue(result.file().startsWith(temp.toString()), result.file());
    TestRunner.FLINK_BATCH.run(p);
    assertTrue(Files.exists(Path.of(result.file())));
    assertEquals(500_500L, result.get());
    try (var files = Files.list(temp)) {
      assertEquals(List.of(), files.toList());
    }
  }

  /**
   * An element of 2.5 MiB, above {@link LargeSingleton#INLINE_BYTES} and so shipped by reference,
   * comes back whole: a model larger than the runner's largest record passes the same way.
   */
  @BoundedRunnerTest
  void bringsBackAnElementOfSeveralChunks(TestRunner runner) throws IOException {
    byte[] value = new byte[2 * LargeSingleton.INLINE_BYTES + (1 << 19)];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) (i * 7 + (i >>> 13));
    }
    Pipeline p = runner.create();
    SingletonResult<byte[]> result =
        SingletonResult.of(p.apply(Create.of(List.of(value)).withCoder(ByteArrayCoder.of())));
    runner.run(p);
    assertArrayEquals(value, result.get());
  }

  @Test
  void emptyOrPluralCollectionsAreErrors() {
    Pipeline p = TestRunner.DIRECT.create("--tempLocation=" + dir);
    SingletonResult<Long> none =
        SingletonResult.of(p.apply("None", Create.empty(VarLongCoder.of())));
    SingletonResult<Long> two = SingletonResult.of(p.apply("Two", Create.of(1L, 2L)));
    TestRunner.DIRECT.run(p);
    String empty = assertThrows(IllegalStateException.class, none::get).getMessage();
    assertTrue(
        empty.contains("Expected one element in 'None") && empty.endsWith("got none"), empty);
    assertTrue(
        assertThrows(IllegalStateException.class, two::get)
            .getMessage()
            .contains("got more than one"));
  }

  @Test
  void getBeforeTheRunSaysWhy() {
    Pipeline p = TestRunner.DIRECT.create("--tempLocation=" + dir);
    SingletonResult<Long> result = SingletonResult.of(p.apply(Create.of(1L)));
    String message = assertThrows(IllegalStateException.class, result::get).getMessage();
    assertTrue(message.contains("run().waitUntilFinish()"), message);
    assertTrue(message.contains("--tempLocation"), message);
  }

  @Test
  void refusesUnboundedAndWindowedInput() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Long> unbounded = p.apply(GenerateSequence.from(0));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> SingletonResult.of(unbounded))
            .getMessage()
            .contains("unbounded"));
    PCollection<Long> windowed =
        p.apply("Bounded", GenerateSequence.from(0).to(10))
            .apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> SingletonResult.of(windowed))
            .getMessage()
            .contains("windowed"));
  }

  private static Row row(int label, double score) {
    return Row.withSchema(SCORED).addValues(label, score).build();
  }
}
