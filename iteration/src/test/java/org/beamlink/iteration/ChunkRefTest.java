package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class ChunkRefTest {
  @Test
  void roundTripsThroughItsCoder() throws Exception {
    ChunkRef ref = new ChunkRef(1, 3, "/tmp/x.chunk", 12, 4096);
    ChunkRef.RefCoder coder = ChunkRef.RefCoder.of();

    assertEquals(
        ref, CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, ref)));
    assertEquals(
        ChunkRef.marker(),
        CoderUtils.decodeFromByteArray(
            coder, CoderUtils.encodeToByteArray(coder, ChunkRef.marker())));
  }

  @Test
  void theMarkerCarriesNothing() {
    assertTrue(ChunkRef.marker().isMarker());
    assertEquals(0, ChunkRef.marker().elements());
  }
}
