/**
 * Decision tree and gradient-boosted tree models: the tree, their scoring and its saved formats.
 */
package org.beamlink.models.tree;
