/** Linear models (logistic, softmax, linear SVM and linear regression): model data and scoring. */
package org.beamlink.models.linear;
