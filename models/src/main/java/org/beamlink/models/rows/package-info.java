/** Reading feature vectors, labels and weights out of schema'd rows, with clear errors. */
package org.beamlink.models.rows;
