/**
 * Reading data into schema'd rows: {@link org.beamlink.transforms.io.ReadCsv} (CSV with a header,
 * given or inferred schema) and {@link org.beamlink.transforms.io.ReadLibSvm} (LibSVM into a label
 * and a sparse vector). Malformed records fail the pipeline with the file and line named, or are
 * kept in a failure output ({@link org.beamlink.transforms.io.ReadResult}).
 */
package org.beamlink.transforms.io;
