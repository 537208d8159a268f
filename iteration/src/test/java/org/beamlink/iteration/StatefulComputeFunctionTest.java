package org.beamlink.iteration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatefulComputeFunctionTest {
  /** Starts the state from the "start" object, then adds 1 to it every superstep. */
  private static final class Count extends StatefulComputeFunction<long[]> {
    private static final long serialVersionUID = 1L;
    int starts;

    Count() {
      super("count");
    }

    @Override
    protected long[] start(ComContext context) {
      starts++;
      return new long[] {context.<Long>getObj("start")};
    }

    @Override
    protected void calc(ComContext context, long[] count) {
      count[0]++;
    }
  }

  /** Doubles the state another function started. */
  private static final class Twice extends StatefulComputeFunction<long[]> {
    private static final long serialVersionUID = 1L;

    Twice() {
      super("count");
    }

    @Override
    protected void calc(ComContext context, long[] count) {
      count[0] *= 2;
    }
  }

  @Test
  void startsTheStateOnceAndKeepsItInTheContext() {
    ComContext context = new ComContext(0, 1);
    context.putObj("start", 10L);
    Count count = new Count();
    count.calc(context);
    long[] state = context.getObj("count");
    count.calc(context);
    new Twice().calc(context);
    assertEquals(1, count.starts);
    assertSame(state, context.getObj("count"));
    assertArrayEquals(new long[] {24}, state);
  }

  @Test
  void aFunctionThatDoesNotStartTheStateNamesItWhenItIsMissing() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new Twice().calc(new ComContext(1, 2)));
    assertTrue(e.getMessage().contains("Twice found no state 'count' in task 1"), e.getMessage());
  }
}
