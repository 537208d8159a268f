/**
 * Objectives and minimizers for training linear models: losses over blocks of rows, and L-BFGS,
 * OWL-QN, Newton and mini-batch SGD written in reverse communication (the caller evaluates the
 * objective wherever the minimizer asks), so the same minimizer runs in one JVM or on the iteration
 * shim, where each evaluation is one AllReduce.
 */
package org.beamlink.models.optim;
