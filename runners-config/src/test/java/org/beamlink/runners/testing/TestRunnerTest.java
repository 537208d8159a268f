package org.beamlink.runners.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class TestRunnerTest {
  @BoundedRunnerTest
  void runsABoundedPipeline(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Long> doubled =
        p.apply(Create.of(1L, 2L, 3L))
            .apply(MapElements.into(TypeDescriptors.longs()).via(x -> 2 * x));
    PAssert.that(doubled).containsInAnyOrder(2L, 4L, 6L);
    PAssert.thatSingleton(doubled.apply(Sum.longsGlobally())).isEqualTo(12L);
    runner.run(p);
  }

  @UnboundedRunnerTest
  void runsAnUnboundedPipelineWithWindows(TestRunner runner) {
    Pipeline p = runner.create();
    Instant start = new Instant(0);
    TestStream<Long> stream =
        TestStream.create(VarLongCoder.of())
            .addElements(TimestampedValue.of(1L, start), TimestampedValue.of(2L, start.plus(1000)))
            .advanceWatermarkTo(start.plus(Duration.standardSeconds(10)))
            .addElements(TimestampedValue.of(5L, start.plus(Duration.standardSeconds(12))))
            .advanceWatermarkToInfinity();
    PCollection<Long> sums =
        p.apply(stream)
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply(Sum.longsGlobally().withoutDefaults());
    PAssert.that(sums)
        .inWindow(new IntervalWindow(start, start.plus(Duration.standardSeconds(10))))
        .containsInAnyOrder(3L);
    PAssert.that(sums).containsInAnyOrder(3L, 5L);
    runner.run(p);
  }

  @BoundedRunnerTest
  void failsWhenAnAssertionFails(TestRunner runner) {
    Pipeline p = runner.create();
    PAssert.that(p.apply(Create.of(1L))).containsInAnyOrder(2L);
    assertThrows(Throwable.class, () -> runner.run(p));
  }

  @Test
  void flinkParallelismCanBeChosenPerTest() {
    Pipeline p = TestRunner.FLINK_BATCH.create("--parallelism=1");
    PAssert.that(p.apply(Create.of(7L))).containsInAnyOrder(7L);
    TestRunner.FLINK_BATCH.run(p);
  }
}
