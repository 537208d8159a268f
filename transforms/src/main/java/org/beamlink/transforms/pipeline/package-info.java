/** Applying models to rows, bounded or unbounded. */
package org.beamlink.transforms.pipeline;
