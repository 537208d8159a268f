package org.beamlink.runners.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs a test method taking a {@link TestRunner} once on the DirectRunner and once on FlinkRunner
 * streaming; the test feeds unbounded input with {@code TestStream} (FlinkRunner does not support
 * {@code TestStream.advanceProcessingTime}: advance the watermark instead).
 *
 * <pre>{@code
 * @UnboundedRunnerTest
 * void scoresAStream(TestRunner runner) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@EnumSource(
    value = TestRunner.class,
    names = {"DIRECT", "FLINK_STREAMING"})
public @interface UnboundedRunnerTest {}
