/** Decision tree models: the tree, its scoring and its saved formats. */
package org.beamlink.models.tree;
