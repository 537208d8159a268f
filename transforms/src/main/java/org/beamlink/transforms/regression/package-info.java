/** Regression: linear regression (OLS, ridge, lasso, elastic net, Huber). */
package org.beamlink.transforms.regression;
