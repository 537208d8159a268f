package org.beamlink.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvenanceTest {
  private static final Provenance BASE =
      Provenance.of("LinearRegression", Map.of("l2", "0.1", "tol", "1e-6"), 0, 25, 0.1669, 20000)
          .withLossCurve(new double[] {0.5, 0.2, 0.1669});

  private static byte[] bytes(Provenance p) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.writeTo(out);
    return out.toByteArray();
  }

  @Test
  void stopReasonAndGradientNormRoundTrip() throws IOException {
    Provenance p = BASE.withStop(StopReason.LOSS_CHANGE, 0.22);
    Provenance back = Provenance.readFrom(new ByteArrayInputStream(bytes(p)));
    assertEquals(p, back);
    assertEquals(StopReason.LOSS_CHANGE, back.stopReason());
    assertEquals(0.22, back.gradientNorm(), 0.0);
    assertEquals(BASE.parameters(), back.parameters());
    assertArrayEquals(BASE.lossCurve(), back.lossCurve(), 0.0);
  }

  /**
   * Without a stop reason the record is written as before (the format of every saved model); with
   * one, the layout is the same with two more parameters, which an older reader keeps as such.
   */
  @Test
  void stopReasonTravelsAsTwoMoreParameters() throws IOException {
    Provenance old = Provenance.readFrom(new ByteArrayInputStream(bytes(BASE)));
    assertNull(old.stopReason());
    assertTrue(Double.isNaN(old.gradientNorm()));
    assertArrayEquals(bytes(BASE), bytes(old));
    DataInputStream in =
        new DataInputStream(
            new ByteArrayInputStream(bytes(BASE.withStop(StopReason.GRADIENT, 3e-9))));
    assertEquals("LinearRegression", in.readUTF());
    assertEquals(4, in.readInt());
    assertEquals("l2", in.readUTF());
    in.readUTF();
    assertEquals(Provenance.GRADIENT_NORM_KEY, in.readUTF());
    assertEquals("3.0E-9", in.readUTF());
    assertEquals(Provenance.STOP_REASON_KEY, in.readUTF());
    assertEquals("GRADIENT", in.readUTF());
    assertEquals("tol", in.readUTF());
  }

  @Test
  void warnsWhenTrainingRanOutOrStoppedFarFromStationary() {
    assertTrue(BASE.convergenceWarning().isEmpty(), "no stop reason recorded");
    assertTrue(BASE.withStop(StopReason.GRADIENT, 1e-9).convergenceWarning().isEmpty());
    assertTrue(BASE.withStop(StopReason.EXACT, 1e-14).convergenceWarning().isEmpty());
    String maxIter = BASE.withStop(StopReason.MAX_ITER, 1e-5).convergenceWarning().orElseThrow();
    assertTrue(maxIter.contains("maxIter"), maxIter);
    assertTrue(maxIter.contains("25 iterations"), maxIter);
    String far = BASE.withStop(StopReason.LOSS_CHANGE, 0.22).convergenceWarning().orElseThrow();
    assertTrue(far.contains("far from a stationary point"), far);
    assertTrue(far.contains("0.220"), far);
    // L-BFGS on the collinear data stopped on the loss change at 4e-4: far; converged fits end
    // below 1e-6
    assertTrue(BASE.withStop(StopReason.LOSS_CHANGE, 4e-4).convergenceWarning().isPresent());
    assertTrue(BASE.withStop(StopReason.LOSS_CHANGE, 5e-5).convergenceWarning().isEmpty());
  }

  @Test
  void toStringShowsTheStopOnlyWhenRecorded() {
    assertTrue(BASE.toString().endsWith("rows=20000 beamlink=" + Provenance.LIBRARY_VERSION));
    assertTrue(
        BASE.withStop(StopReason.MAX_ITER, 0.5)
            .toString()
            .endsWith(" stopped=MAX_ITER gradientNorm=0.5"));
  }

  @Test
  void rejectsReservedParameterNames() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Provenance.of("t", Map.of(Provenance.STOP_REASON_KEY, "x"), 0, 0, 0, 0));
  }
}
