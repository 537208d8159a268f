package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class IterationSettingsTest {
  /** A minimal estimator, to check what {@link IterativeFit}'s options do to its settings. */
  private record Estimator(IterationSettings iterationSettings) implements IterativeFit<Estimator> {
    @Override
    public Estimator withIterationSettings(IterationSettings settings) {
      return new Estimator(settings);
    }
  }

  @Test
  void defaultsAreAutoTheParallelismAndTheDefaultBlockSize() {
    IterationSettings settings = IterationSettings.defaults();
    assertEquals(Execution.AUTO, settings.execution());
    assertNull(settings.numTasks());
    assertEquals(PackBlocks.DEFAULT_BLOCK_SIZE, settings.blockSize());
  }

  @Test
  void eachOptionChangesOnlyItsOwnSetting() {
    Estimator fit =
        new Estimator(IterationSettings.defaults())
            .withExecution(Execution.DISTRIBUTED)
            .withNumTasks(3)
            .withBlockSize(17);
    assertEquals(Execution.DISTRIBUTED, fit.iterationSettings().execution());
    assertEquals(3, fit.iterationSettings().numTasks());
    assertEquals(17, fit.iterationSettings().blockSize());
    assertEquals(
        Execution.IN_WORKER,
        fit.withExecution(Execution.IN_WORKER).iterationSettings().execution());
    assertEquals(3, fit.withExecution(Execution.IN_WORKER).iterationSettings().numTasks());
  }

  @Test
  void badValuesAreRefusedWithTheValue() {
    IterationSettings settings = IterationSettings.defaults();
    assertEquals(
        "Expected numTasks >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> settings.withNumTasks(0)).getMessage());
    assertEquals(
        "Expected blockSize >= 1, got -2",
        assertThrows(IllegalArgumentException.class, () -> settings.withBlockSize(-2))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> settings.withExecution(null));
  }
}
