/** Recommendation models: ALS user and item factors, their scoring and top-k recommendations. */
package org.beamlink.models.recommendation;
