package org.beamlink.iteration;

/**
 * A compute function of a loop in which each partition keeps a state object in its context under
 * one name: the first superstep that finds no state makes it with {@link #start}, and every
 * superstep hands it to {@link #calc(ComContext, Object)}. A function that only updates a state
 * another function started keeps the default {@code start}, which fails.
 *
 * <pre>{@code
 * class CountSupersteps extends StatefulComputeFunction<long[]> {
 *   CountSupersteps() {
 *     super("count");
 *   }
 *
 *   protected long[] start(ComContext context) {
 *     return new long[1];
 *   }
 *
 *   protected void calc(ComContext context, long[] count) {
 *     count[0]++;
 *   }
 * }
 * }</pre>
 *
 * @param <S> the type of the state
 */
public abstract class StatefulComputeFunction<S> extends ComputeFunction {
  private static final long serialVersionUID = 1L;
  private final String stateName;

  /** A function over the state kept under {@code stateName}. */
  protected StatefulComputeFunction(String stateName) {
    this.stateName = stateName;
  }

  @Override
  public final void calc(ComContext context) {
    S state = context.getObj(stateName);
    if (state == null) {
      state = start(context);
      context.putObj(stateName, state);
    }
    calc(context, state);
  }

  /**
   * The state of this partition, made in the first superstep from the context's data; it may also
   * replace data objects once (the state is put in the context after this returns).
   *
   * @throws IllegalStateException by default: the function expects a state another one started
   */
  protected S start(ComContext context) {
    throw new IllegalStateException(
        getClass().getSimpleName()
            + " found no state '"
            + stateName
            + "' in task "
            + context.getTaskId()
            + ": the function that starts it must run before it");
  }

  /** This superstep's work on this partition, with its state. */
  protected abstract void calc(ComContext context, S state);
}
