package org.beamlink.examples.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;
import org.beamlink.examples.demo.ClickEvents;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.online.FtrlParams;
import org.beamlink.models.pipeline.Transformer;
import org.junit.jupiter.api.Test;

class ClickFtrlTest {
  @Test
  void initialModelIsAZeroLogisticModelOnTheHashedFeatures() {
    LinearModel m = ClickFtrl.initialModel(64);
    assertEquals(LinearModelType.LOGISTIC, m.type());
    assertEquals(64, m.numFeatures());
    assertEquals(java.util.List.of("0", "1"), m.labelValues());
    assertEquals(TypeName.INT32, m.labelType());
    assertEquals(0.0, Arrays.stream(m.coefficients()).map(Math::abs).sum());
    assertEquals(0.0, m.intercepts()[0]);
  }

  @Test
  void featuresHashEveryFieldOfAnEvent() {
    Transformer.Bound hashing = ClickFtrl.features(1 << 16).transformer().bind(ClickEvents.SCHEMA);
    Row event = new ClickEvents(7, 100).event(0);
    Vector x = hashing.apply(event).getLogicalTypeValue(ClickFtrl.FEATURES, Vector.class);
    assertEquals(1 << 16, x.size());
    // Price and dwell add their values; hour, position and the four categories add 1 each, so the
    // sum of the vector is price + dwell + 6 unless two fields collide (not at 2^16 for event 0).
    double sum = 0;
    for (int i = 0; i < x.size(); i++) {
      sum += x.get(i);
    }
    double expected = event.getDouble("price") + event.getDouble("dwell") + 6;
    assertEquals(expected, sum, 1e-12);
    assertEquals(8, x.numNonzeros());
  }

  @Test
  void configRejectsBadSettings() {
    FtrlParams p = FtrlParams.defaults();
    assertEquals(
        "Expected events >= 1, rate >= 1 and emitEvery >= 1, got 0, 10 and 5",
        assertThrows(
                IllegalArgumentException.class, () -> new ClickFtrl.Config(0, 10, 1, 0, 16, p, 5))
            .getMessage());
    assertEquals(
        "Expected numFeatures >= 2, got 1",
        assertThrows(
                IllegalArgumentException.class, () -> new ClickFtrl.Config(1, 10, 1, 0, 1, p, 5))
            .getMessage());
    assertEquals(
        "Expected driftAt >= 0, got -1",
        assertThrows(
                IllegalArgumentException.class, () -> new ClickFtrl.Config(1, 10, 1, -1, 16, p, 5))
            .getMessage());
  }
}
