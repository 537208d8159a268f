package org.beamlink.transforms.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.feature.StandardScaler;
import org.beamlink.transforms.feature.VectorAssembler;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.junit.jupiter.api.Test;

/**
 * {@link ParamGrid}: the combinations in order, each set through the stage's own setter; errors.
 */
class ParamGridTest {
  private final VectorAssembler assembler = VectorAssembler.of("a", "b").withOutputCol("raw");
  private final StandardScaler.Fit scaler =
      StandardScaler.fit().withInputCol("raw").withOutputCol("features");
  private final LinearFit logreg =
      LogisticRegression.fit().withVectorCol("features").withLabelCol("label");
  private final MlPipeline pipeline = MlPipeline.of(assembler, scaler, logreg);

  @Test
  void candidatesRunThroughEveryCombinationWithTheLastParameterFastest() {
    ParamGrid grid =
        ParamGrid.over(pipeline)
            .add("scaler.withMean", scaler, StandardScaler.Fit::withMean, false, true)
            .add("logreg.l2", logreg, LinearFit::withL2, 0.1, 1.0, 10.0);
    List<Candidate> candidates = grid.candidates();
    assertEquals(List.of("scaler.withMean", "logreg.l2"), grid.paramNames());
    assertEquals(6, candidates.size());
    boolean[] means = {false, false, false, true, true, true};
    double[] l2s = {0.1, 1.0, 10.0, 0.1, 1.0, 10.0};
    for (int c = 0; c < 6; c++) {
      Candidate candidate = candidates.get(c);
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("scaler.withMean", means[c]);
      expected.put("logreg.l2", l2s[c]);
      assertEquals(c, candidate.index());
      assertEquals(expected, candidate.params());
      List<?> stages = candidate.pipeline().stages();
      assertSame(assembler, stages.get(0));
      assertEquals(scaler.withMean(means[c]), stages.get(1));
      assertEquals(logreg.withL2(l2s[c]), stages.get(2));
    }
    assertEquals("scaler.withMean=true, logreg.l2=1.0", candidates.get(4).describe());
  }

  @Test
  void twoParametersOfOneStageAreBothSet() {
    ParamGrid grid =
        ParamGrid.over(pipeline)
            .add("logreg.l2", logreg, LinearFit::withL2, 0.1)
            .add("logreg.maxIter", logreg, LinearFit::withMaxIter, 5, 7);
    assertEquals(
        logreg.withL2(0.1).withMaxIter(7), grid.candidates().get(1).pipeline().stages().get(2));
  }

  @Test
  void rejectsAGridWithoutParameters() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ParamGrid.over(pipeline).candidates());
    assertEquals(
        "The parameter grid is empty: add at least one parameter with values", e.getMessage());
  }

  @Test
  void rejectsAParameterWithoutValues() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ParamGrid.over(pipeline).add("logreg.l2", logreg, LinearFit::withL2, List.of()));
    assertEquals("Parameter logreg.l2 has no values", e.getMessage());
  }

  @Test
  void rejectsANameUsedTwice() {
    ParamGrid grid = ParamGrid.over(pipeline).add("l2", logreg, LinearFit::withL2, 0.1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> grid.add("l2", logreg, LinearFit::withL1, 0.1));
    assertEquals("Parameter l2 is already in the search", e.getMessage());
  }
}
