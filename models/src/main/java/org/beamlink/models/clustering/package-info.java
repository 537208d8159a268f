/** Clustering models: KMeans centroids and their scoring. */
package org.beamlink.models.clustering;
