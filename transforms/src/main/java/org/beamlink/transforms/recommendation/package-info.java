/**
 * Recommendation: alternating least squares ({@link org.beamlink.transforms.recommendation.Als}).
 */
package org.beamlink.transforms.recommendation;
