/**
 * Linear models on the iteration shim: {@link org.beamlink.transforms.linear.LinearFit} trains
 * every linear model type, {@link org.beamlink.transforms.linear.LinearPredict} scores with it.
 * Users reach them through {@code classification.LogisticRegression}, {@code
 * classification.Softmax}, {@code classification.LinearSvm} and {@code
 * regression.LinearRegression}.
 */
package org.beamlink.transforms.linear;
