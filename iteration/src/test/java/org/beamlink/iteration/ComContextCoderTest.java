package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class ComContextCoderTest {
  private final ComContextCoder coder =
      new ComContextCoder(Map.<String, Coder<?>>of("data", DoubleCoder.of()));

  @Test
  void aTokenRoundTripsWithItsPositionObjectsAndPartition() throws Exception {
    ComContext token = new ComContext(3, 4);
    token.stepNo = 7;
    token.pc = 2;
    token.pendingAllReduce = 1;
    token.putObj("sum", new double[] {1.5, -2});
    token.putObj("count", 12L);
    token.partition =
        new PartitionRef("p", 0, "/t/a.parts", Map.of()).withReplaced("data", "/t/b.obj");

    ComContext back =
        CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, token));

    assertEquals(3, back.getTaskId());
    assertEquals(4, back.getNumTask());
    assertEquals(7, back.getStepNo());
    assertEquals(2, back.pc);
    assertEquals(1, back.pendingAllReduce);
    assertArrayEquals(new double[] {1.5, -2}, back.getObj("sum"), 0.0);
    assertEquals(12L, back.<Long>getObj("count"));
    assertEquals(token.partition, back.partition);
  }

  @Test
  void anInWorkerStateHasNoPartition() throws Exception {
    ComContext state = new ComContext(0, 1);
    state.putObj("data", List.of(1.0, 2.0));

    ComContext back =
        CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, state));

    assertNull(back.partition);
    assertEquals(List.of(1.0, 2.0), back.getObj("data"));
  }
}
