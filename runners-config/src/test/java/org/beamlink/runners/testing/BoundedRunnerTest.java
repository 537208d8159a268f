package org.beamlink.runners.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs a test method taking a {@link TestRunner} once on the DirectRunner and once on FlinkRunner
 * batch.
 *
 * <pre>{@code
 * @BoundedRunnerTest
 * void fitsIris(TestRunner runner) { ... runner.create() ... runner.run(p); }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@EnumSource(
    value = TestRunner.class,
    names = {"DIRECT", "FLINK_BATCH"})
public @interface BoundedRunnerTest {}
