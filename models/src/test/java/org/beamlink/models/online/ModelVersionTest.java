package org.beamlink.models.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class ModelVersionTest {
  private static final ModelVersion<String> VERSION =
      ModelVersion.of(3, "model", 30_000, new Instant(1000), new Instant(9000), "FTRL");

  @Test
  void coderRoundTripsEveryField() throws Exception {
    ModelVersion.Coder<String> coder = ModelVersion.Coder.of(StringUtf8Coder.of());
    ModelVersion<String> back =
        CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, VERSION));
    assertEquals(VERSION, back);
    assertEquals(3, back.version());
    assertEquals(30_000, back.examples());
    assertEquals(new Instant(1000), back.firstEventTime());
    assertEquals(new Instant(9000), back.lastEventTime());
    assertEquals("FTRL", back.source());
    coder.verifyDeterministic();
    assertEquals(List.<Coder<?>>of(StringUtf8Coder.of()), coder.getCoderArguments());
  }

  @Test
  void mapKeepsTheVersionAndChangesTheModel() {
    ModelVersion<Integer> mapped = VERSION.map(String::length);
    assertEquals(5, mapped.model());
    assertEquals(3, mapped.version());
    assertEquals(VERSION.lastEventTime(), mapped.lastEventTime());
  }

  @Test
  void rejectsNegativeNumbersAndMissingModels() {
    Instant t = new Instant(0);
    assertThrows(IllegalArgumentException.class, () -> ModelVersion.of(-1, "m", 0, t, t, "s"));
    assertThrows(IllegalArgumentException.class, () -> ModelVersion.of(1, "m", -1, t, t, "s"));
    assertThrows(NullPointerException.class, () -> ModelVersion.of(1, null, 0, t, t, "s"));
  }
}
