/** Probabilistic classifiers that are not linear models: naive Bayes model data and scoring. */
package org.beamlink.models.classification;
