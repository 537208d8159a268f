/** Decision trees: binning, the level-wise training program on the shim and the estimator. */
package org.beamlink.transforms.tree;
