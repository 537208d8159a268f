/**
 * The {@code beamlink} command line: {@link org.beamlink.examples.cli.Beamlink} with one class per
 * subcommand (such as {@link org.beamlink.examples.cli.StatsCommand}), the options the commands
 * share ({@link org.beamlink.examples.cli.OutputOptions}, {@link
 * org.beamlink.examples.cli.PipelineArgs}) and their JSON output.
 */
package org.beamlink.examples.cli;
