/** Clustering: KMeans (Lloyd on the ComQueue shim, random or k-means|| initialisation). */
package org.beamlink.transforms.clustering;
