/**
 * Descriptive statistics of rows: {@link org.beamlink.transforms.stats.Summarizer} computes a
 * {@link org.beamlink.transforms.stats.Summary} (count, missing, mean, variance, min, max, sums and
 * norms per numeric column and per vector coordinate) in one mergeable pass.
 */
package org.beamlink.transforms.stats;
