package org.beamlink.models.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FtrlParamsTest {
  @Test
  void defaultsAreAlinks() {
    FtrlParams p = FtrlParams.defaults();
    assertEquals(0.1, p.alpha());
    assertEquals(1.0, p.beta());
    assertEquals(0.1, p.l1());
    assertEquals(0.1, p.l2());
    assertTrue(p.intercept());
    assertEquals(1, p.miniBatchSize());
    assertEquals(1, p.threads());
    assertEquals("0.1", p.describe().get("alpha"));
  }

  @Test
  void closedFormZeroesSmallZAndShrinksTheRest() {
    FtrlParams p = FtrlParams.defaults().withAlpha(0.5).withBeta(1.0).withL1(1.0).withL2(2.0);
    assertEquals(0.0, p.weight(0.999, 4.0), 0.0);
    assertEquals(0.0, p.weight(-1.0, 4.0), 0.0);
    // -(3 - 1) / ((1 + 2) / 0.5 + 2) = -2 / 8
    assertEquals(-0.25, p.weight(3.0, 4.0), 1e-16);
    assertEquals(0.25, p.weight(-3.0, 4.0), 1e-16);
  }

  /**
   * The z inversion gives back every weight at n = 0 to 1e-15: the rounding of {@code -w c - l1 +
   * l1} is about 2^-52 (|w| c + l1), divided by c = beta / alpha + l2, so below 1e-15 for |w| <= 2
   * at the defaults.
   */
  @Test
  void initialZGivesBackTheWeight() {
    SplittableRandom r = new SplittableRandom(1);
    for (FtrlParams p :
        new FtrlParams[] {
          FtrlParams.defaults(),
          FtrlParams.defaults().withL1(0.0),
          FtrlParams.defaults().withAlpha(0.05).withBeta(0.0).withL2(0.5).withL1(2.0)
        }) {
      assertEquals(0.0, p.weight(p.initialZ(0.0), 0.0), 0.0);
      for (int i = 0; i < 10_000; i++) {
        double w = r.nextDouble(-2, 2);
        assertEquals(w, p.weight(p.initialZ(w), 0.0), 1e-15, p + " w=" + w);
      }
    }
  }

  @Test
  void rejectsBadValues() {
    FtrlParams p = FtrlParams.defaults();
    assertThrows(IllegalArgumentException.class, () -> p.withAlpha(0.0));
    assertThrows(IllegalArgumentException.class, () -> p.withBeta(-1.0));
    assertThrows(IllegalArgumentException.class, () -> p.withL1(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> p.withL2(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> p.withMiniBatchSize(0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> p.withThreads(0));
    assertEquals("Expected threads >= 1, got 0", e.getMessage());
  }
}
