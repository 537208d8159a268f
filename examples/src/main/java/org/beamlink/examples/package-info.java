/**
 * Runnable programs: the {@code beamlink} command line ({@link org.beamlink.examples.Beamlink} with
 * one class per subcommand, such as {@link org.beamlink.examples.StatsCommand}), demos and
 * benchmarks.
 */
package org.beamlink.examples;
