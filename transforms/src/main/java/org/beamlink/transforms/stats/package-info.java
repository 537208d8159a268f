/**
 * Descriptive statistics of rows, each a transform from bounded rows to one value:
 *
 * <ul>
 *   <li>{@link org.beamlink.transforms.stats.Summarizer}: a {@link
 *       org.beamlink.transforms.stats.Summary} (count, missing, mean, variance, min, max, sums and
 *       norms per numeric column and per vector coordinate) in one mergeable pass.
 *   <li>{@link org.beamlink.transforms.stats.Correlation}: Pearson and Spearman {@link
 *       org.beamlink.transforms.stats.CorrelationMatrix correlation matrices}.
 *   <li>{@link org.beamlink.transforms.stats.ChiSquareTest}: the chi-square test of independence of
 *       categorical features against a label.
 *   <li>{@link org.beamlink.transforms.stats.Quantiles}: approximate (with a stated rank error) or
 *       exact quantiles of numeric columns.
 * </ul>
 */
package org.beamlink.transforms.stats;
