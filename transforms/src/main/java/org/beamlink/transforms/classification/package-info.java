/** Classifiers: logistic regression, softmax regression and linear SVM. */
package org.beamlink.transforms.classification;
