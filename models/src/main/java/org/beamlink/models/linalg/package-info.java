/**
 * Vectors and blocks: the numeric values every Beamlink algorithm computes with.
 *
 * <p>{@link org.beamlink.models.linalg.Vector} is the value of a vector column (through {@link
 * org.beamlink.models.linalg.VectorLogicalType}); {@link org.beamlink.models.linalg.Block}s pack
 * thousands of rows into one array so that training loops are tight array code. All types are
 * immutable to callers and have deterministic, versioned coders.
 */
package org.beamlink.models.linalg;
