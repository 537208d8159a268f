/**
 * Running a pipeline from a program's {@code main}: progress on stderr while it runs ({@link
 * org.beamlink.examples.run.ProgressReporter}) and its one result element brought back to the
 * program ({@link org.beamlink.examples.run.SingletonResult}). Used by the command line and the
 * demos.
 */
package org.beamlink.examples.run;
