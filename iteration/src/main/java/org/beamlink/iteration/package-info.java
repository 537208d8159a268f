/**
 * The ComQueue shim: Alink-style iterative programs (compute functions, AllReduce, a stop
 * criterion) on Beam, which has no loops.
 *
 * <p>{@link org.beamlink.iteration.IterativeComQueue} is the entry point. Algorithm code written on
 * it uses {@link org.beamlink.iteration.ComContext}, {@link
 * org.beamlink.iteration.ComputeFunction}, {@link org.beamlink.iteration.AllReduce}, {@link
 * org.beamlink.iteration.CompareCriterionFunction} and {@link
 * org.beamlink.iteration.CompleteResultFunction}, and no Beam or runner class.
 */
package org.beamlink.iteration;
