/**
 * Recommendation models: ALS user and item factors, the neighbour tables of ItemCF, UserCF and
 * Swing, their scoring and top-k recommendations.
 */
package org.beamlink.models.recommendation;
