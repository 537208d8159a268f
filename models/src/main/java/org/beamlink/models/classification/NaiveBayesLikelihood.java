package org.beamlink.models.classification;

import java.io.Serializable;
import java.util.List;
import org.beamlink.models.linalg.Vector;

/**
 * The scoring tables of a naive Bayes model, derived once from its fitted statistics by the
 * formulas in {@link NaiveBayesModel}'s class comment, and the joint log likelihood of a vector
 * under each of the three event models. It checks the values of the statistics; the model checks
 * their sizes, the labels and the rows.
 */
final class NaiveBayesLikelihood implements Serializable {
  private static final long serialVersionUID = 1L;

  private final NaiveBayesModelType type;
  private final int numFeatures;
  private final double binarize;

  /** Class by class: feature sums (MULTINOMIAL, BERNOULLI) or feature means (GAUSSIAN). */
  private final double[] featureStats;

  private final double[] classLogPrior;

  /** MULTINOMIAL, BERNOULLI: log P(j|c); GAUSSIAN: the variances plus epsilon. */
  private final double[] perFeature;

  /** BERNOULLI: log P(j|c) - log(1 - P(j|c)), what a present feature adds; empty otherwise. */
  private final double[] presentGain;

  /** The per-class constant of the joint log likelihood, prior included. */
  private final double[] base;

  /**
   * The tables of a model of {@code classCounts.length} classes and {@code numFeatures} features,
   * its statistics laid out class by class.
   *
   * @throws IllegalArgumentException for a smoothing, threshold, epsilon, count, mean or variance
   *     out of range
   */
  NaiveBayesLikelihood(
      NaiveBayesModelType type,
      List<String> labelValues,
      int numFeatures,
      double[] classCounts,
      double[] featureStats,
      double[] variances,
      double smoothing,
      double binarize,
      double epsilon) {
    this.type = type;
    this.numFeatures = numFeatures;
    this.binarize = binarize;
    this.featureStats = featureStats;
    int k = classCounts.length;
    double total = 0.0;
    for (double count : classCounts) {
      total += count;
    }
    this.classLogPrior = new double[k];
    for (int c = 0; c < k; c++) {
      classLogPrior[c] = Math.log(classCounts[c]) - Math.log(total);
    }
    this.base = classLogPrior.clone();
    this.perFeature = new double[featureStats.length];
    if (type == NaiveBayesModelType.GAUSSIAN) {
      this.presentGain = new double[0];
      initGaussian(labelValues, classCounts, variances, epsilon);
    } else {
      if (!(smoothing >= 0) || Double.isInfinite(smoothing)) {
        throw new IllegalArgumentException("Expected smoothing >= 0 and finite, got " + smoothing);
      }
      if (!(binarize >= 0) || Double.isInfinite(binarize)) {
        throw new IllegalArgumentException("Expected binarize >= 0 and finite, got " + binarize);
      }
      for (double f : featureStats) {
        if (!(f >= 0) || Double.isInfinite(f)) {
          throw new IllegalArgumentException("Expected feature counts >= 0 and finite, got " + f);
        }
      }
      this.presentGain =
          type == NaiveBayesModelType.BERNOULLI ? new double[featureStats.length] : new double[0];
      initDiscrete(classCounts, smoothing);
    }
  }

  private void initDiscrete(double[] classCounts, double smoothing) {
    double a = Math.max(smoothing, NaiveBayesModel.MIN_SMOOTHING);
    int d = numFeatures;
    for (int c = 0; c < classCounts.length; c++) {
      double denominator;
      if (type == NaiveBayesModelType.MULTINOMIAL) {
        denominator = 0.0;
        for (int j = 0; j < d; j++) {
          denominator += featureStats[c * d + j] + a;
        }
      } else {
        denominator = classCounts[c] + 2 * a;
      }
      double logDenominator = Math.log(denominator);
      for (int j = 0; j < d; j++) {
        perFeature[c * d + j] = Math.log(featureStats[c * d + j] + a) - logDenominator;
      }
      if (type == NaiveBayesModelType.BERNOULLI) {
        for (int j = 0; j < d; j++) {
          double logAbsent = Math.log1p(-Math.exp(perFeature[c * d + j]));
          base[c] += logAbsent;
          presentGain[c * d + j] = perFeature[c * d + j] - logAbsent;
        }
      }
    }
  }

  private void initGaussian(
      List<String> labelValues, double[] classCounts, double[] variances, double epsilon) {
    if (variances.length != featureStats.length) {
      throw new IllegalArgumentException(
          "Expected as many variances as means, got "
              + variances.length
              + " and "
              + featureStats.length);
    }
    if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("Expected epsilon >= 0 and finite, got " + epsilon);
    }
    int d = numFeatures;
    for (int c = 0; c < classCounts.length; c++) {
      double logNorm = 0.0;
      for (int j = 0; j < d; j++) {
        double mean = featureStats[c * d + j];
        double v = variances[c * d + j];
        if (!Double.isFinite(mean) || !(v >= 0) || Double.isInfinite(v)) {
          throw new IllegalArgumentException(
              "Expected finite means and variances >= 0, got mean "
                  + mean
                  + " and variance "
                  + v
                  + " for feature "
                  + j
                  + " of label "
                  + labelValues.get(c));
        }
        double smoothed = v + epsilon;
        if (smoothed == 0.0) {
          throw new IllegalArgumentException(
              "Feature "
                  + j
                  + " has variance 0 in class "
                  + labelValues.get(c)
                  + " and epsilon is 0: its likelihood is undefined; use varSmoothing > 0");
        }
        perFeature[c * d + j] = smoothed;
        logNorm += Math.log(2.0 * Math.PI * smoothed);
      }
      base[c] -= 0.5 * logNorm;
    }
  }

  /** {@code log(count_c / sum(count))} of each class. */
  double[] classLogPrior() {
    return classLogPrior.clone();
  }

  /** MULTINOMIAL, BERNOULLI: log P(j|c); GAUSSIAN: the variances plus epsilon; class by class. */
  double[] perFeature() {
    return perFeature;
  }

  /**
   * The joint log likelihood of each class for {@code x}, a vector of finite values of the model's
   * size (non-negative for MULTINOMIAL and BERNOULLI).
   */
  double[] jointLogLikelihood(Vector x) {
    double[] jll = base.clone();
    int d = numFeatures;
    switch (type) {
      case MULTINOMIAL -> {
        for (int c = 0; c < jll.length; c++) {
          jll[c] += x.dot(perFeature, c * d);
        }
      }
      case BERNOULLI -> {
        x.forEachNonzero(
            (j, v) -> {
              if (v > binarize) {
                for (int c = 0; c < jll.length; c++) {
                  jll[c] += presentGain[c * d + j];
                }
              }
            });
      }
      case GAUSSIAN -> {
        double[] values = x.toArray();
        for (int c = 0; c < jll.length; c++) {
          double sum = 0.0;
          for (int j = 0; j < d; j++) {
            double diff = values[j] - featureStats[c * d + j];
            sum += diff * diff / perFeature[c * d + j];
          }
          jll[c] -= 0.5 * sum;
        }
      }
    }
    return jll;
  }

  /** Probabilities from joint log likelihoods, normalized by log-sum-exp. */
  static double[] normalize(double[] jll) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : jll) {
      max = Math.max(max, v);
    }
    double sum = 0.0;
    for (double v : jll) {
      sum += Math.exp(v - max);
    }
    double logZ = max + Math.log(sum);
    double[] p = new double[jll.length];
    for (int c = 0; c < p.length; c++) {
      p[c] = Math.exp(jll[c] - logZ);
    }
    return p;
  }
}
