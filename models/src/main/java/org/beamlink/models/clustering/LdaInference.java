package org.beamlink.models.clustering;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.commons.math3.special.Gamma;
import org.beamlink.models.linalg.Vector;

/**
 * The variational E step of latent Dirichlet allocation for one topic-word matrix {@code lambda}
 * ({@code k x v}, row-major, the variational Dirichlet parameters of the topics): a document's
 * topic proportions {@code gamma}, its share of the sufficient statistics, and its terms of the
 * evidence lower bound. Training ({@code Lda.fit()}) and scoring ({@link LdaModel}) run this one
 * piece of arithmetic.
 *
 * <p>The E step is scikit-learn's {@code _update_doc_distribution} (Hoffman, Blei and Bach, 2010):
 * {@code gamma} starts at ones (scikit-learn's start for transform and score; its training starts
 * from random Gamma(100, 0.01) draws instead), then {@code phinorm_w = sum_k exp(E[log theta_k])
 * exp(E[log beta_kw]) + eps}, {@code gamma_k = alpha + exp(E[log theta_k]) sum_w n_w exp(E[log
 * beta_kw]) / phinorm_w}, until the mean absolute change of {@code gamma} is below {@code
 * meanChangeTol} or after {@code maxDocUpdateIter} updates. Log-gamma is commons-math3's; digamma
 * is {@link #digamma}, not commons-math3's, whose 3.6.1 asymptotic series has the wrong sign on its
 * {@code 1 / (120 x^4)} term (an error of 3e-9 just above 49, which moved lambda by 1e-6 relative
 * over ten passes).
 *
 * <pre>{@code
 * LdaInference e = LdaInference.of(lambda, k, alpha, 100, 1e-3);
 * LdaInference.TermCounts doc = LdaInference.termCounts(countVector);
 * double[] gamma = e.gamma(doc, null);
 * double bound = e.documentBound(doc, gamma) + e.topicBound(eta);
 * }</pre>
 */
public final class LdaInference implements Serializable {
  private static final long serialVersionUID = 1L;

  /** numpy's float64 eps, which scikit-learn adds to every {@code phinorm}. */
  private static final double EPS = Math.ulp(1.0);

  private final int k;
  private final int v;
  private final double[] lambda;
  private final double alpha;
  private final int maxDocUpdateIter;
  private final double meanChangeTol;
  private final double[] elogBeta;
  private final double[] expElogBeta;

  private LdaInference(
      double[] lambda, int k, double alpha, int maxDocUpdateIter, double meanChangeTol) {
    if (k < 1 || lambda.length % k != 0) {
      throw new IllegalArgumentException(
          "Expected a topic-word matrix of k=" + k + " rows, got " + lambda.length + " values");
    }
    this.k = k;
    this.v = lambda.length / k;
    this.lambda = lambda;
    this.alpha = alpha;
    this.maxDocUpdateIter = maxDocUpdateIter;
    this.meanChangeTol = meanChangeTol;
    this.elogBeta = dirichletExpectation(lambda, k, v);
    this.expElogBeta = new double[elogBeta.length];
    for (int i = 0; i < elogBeta.length; i++) {
      expElogBeta[i] = Math.exp(elogBeta[i]);
    }
  }

  /**
   * The E step with topic-word matrix {@code lambda} ({@code k x v}, row-major, taken without
   * copying: do not change it), document-topic prior {@code alpha}, at most {@code
   * maxDocUpdateIter} updates of a document's {@code gamma}, stopping when its mean absolute change
   * is below {@code meanChangeTol}.
   */
  public static LdaInference of(
      double[] lambda, int k, double alpha, int maxDocUpdateIter, double meanChangeTol) {
    return new LdaInference(lambda, k, alpha, maxDocUpdateIter, meanChangeTol);
  }

  /** {@code E[log X]} of each row of {@code rows x (values.length / rows)} Dirichlet parameters. */
  static double[] dirichletExpectation(double[] values, int rows, int cols) {
    double[] out = new double[values.length];
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int c = 0; c < cols; c++) {
        sum += values[r * cols + c];
      }
      double psiSum = digamma(sum);
      for (int c = 0; c < cols; c++) {
        out[r * cols + c] = digamma(values[r * cols + c]) - psiSum;
      }
    }
    return out;
  }

  /**
   * A document's stored term counts: the term indices (ascending) and their counts, zeros left out.
   */
  public record TermCounts(int[] ids, double[] counts) {
    /** The total count of the document's terms. */
    public double words() {
      double sum = 0;
      for (double c : counts) {
        sum += c;
      }
      return sum;
    }
  }

  /**
   * The term counts of {@code doc}.
   *
   * @throws IllegalArgumentException naming the term and the value for a negative, NaN or infinite
   *     count
   */
  public static TermCounts termCounts(Vector doc) {
    Vector sparse = doc.toSparse();
    int n = sparse.numNonzeros();
    int[] ids = new int[n];
    double[] counts = new double[n];
    int[] at = {0};
    sparse.forEachNonzero(
        (i, c) -> {
          if (!(c >= 0) || Double.isInfinite(c)) {
            throw new IllegalArgumentException(
                "Term " + i + " has count " + c + "; expected finite counts >= 0");
          }
          ids[at[0]] = i;
          counts[at[0]++] = c;
        });
    return new TermCounts(ids, counts);
  }

  /**
   * The digamma function: the recurrence {@code psi(x) = psi(x + 1) - 1 / x} up to {@code x >= 10},
   * then the asymptotic series to its {@code x^-14} term (truncation error below 1e-16 there).
   * Defined for {@code x > 0}, which every Dirichlet parameter here is.
   */
  static double digamma(double x) {
    double result = 0;
    while (x < 10) {
      result -= 1 / x;
      x += 1;
    }
    double r = 1 / (x * x);
    double series =
        r
            * (1.0 / 12
                - r
                    * (1.0 / 120
                        - r
                            * (1.0 / 252
                                - r
                                    * (1.0 / 240
                                        - r * (1.0 / 132 - r * (691.0 / 32760 - r / 12))))));
    return result + Math.log(x) - 0.5 / x - series;
  }

  /** Number of topics. */
  public int k() {
    return k;
  }

  /** Vocabulary size. */
  public int v() {
    return v;
  }

  /** {@code exp(E[log beta_kw])}, {@code k x v} row-major; do not change it. */
  public double[] expElogBeta() {
    return expElogBeta;
  }

  /**
   * The document's {@code gamma} (unnormalized topic proportions, {@code k} values) for the terms
   * {@code doc} (each index in {@code [0, v)}). When {@code sstats} ({@code k x v}) is not null,
   * adds the document's sufficient statistics to it: {@code exp(E[log theta_k]) n_w / phinorm_w} at
   * {@code [k, w]}, still to be multiplied by {@link #expElogBeta()} (once, after all documents are
   * added, as scikit-learn).
   */
  public double[] gamma(TermCounts doc, double[] sstats) {
    int[] ids = doc.ids();
    double[] counts = doc.counts();
    int n = ids.length;
    double[] gamma = new double[k];
    Arrays.fill(gamma, 1.0);
    double[] expElogTheta = new double[k];
    double start = Math.exp(digamma(1.0) - digamma(k));
    Arrays.fill(expElogTheta, start);
    double[] ratio = new double[n];
    double[] next = new double[k];
    for (int it = 0; it < maxDocUpdateIter; it++) {
      weightedCounts(ids, counts, expElogTheta, ratio);
      double total = 0;
      for (int t = 0; t < k; t++) {
        double dot = 0;
        int row = t * v;
        for (int j = 0; j < n; j++) {
          dot += ratio[j] * expElogBeta[row + ids[j]];
        }
        next[t] = expElogTheta[t] * dot + alpha;
        total += next[t];
      }
      double psiTotal = digamma(total);
      double change = 0;
      for (int t = 0; t < k; t++) {
        expElogTheta[t] = Math.exp(digamma(next[t]) - psiTotal);
        change += Math.abs(next[t] - gamma[t]);
      }
      double[] swap = gamma;
      gamma = next;
      next = swap;
      if (change / k < meanChangeTol) {
        break;
      }
    }
    if (sstats != null) {
      weightedCounts(ids, counts, expElogTheta, ratio);
      for (int t = 0; t < k; t++) {
        int row = t * v;
        for (int j = 0; j < n; j++) {
          sstats[row + ids[j]] += expElogTheta[t] * ratio[j];
        }
      }
    }
    return gamma;
  }

  /** {@code ratio_j = counts_j / phinorm_j}, {@code phinorm_j = sum_k expElogTheta_k ... + eps}. */
  private void weightedCounts(int[] ids, double[] counts, double[] expElogTheta, double[] ratio) {
    for (int j = 0; j < ids.length; j++) {
      double phinorm = 0;
      for (int t = 0; t < k; t++) {
        phinorm += expElogTheta[t] * expElogBeta[t * v + ids[j]];
      }
      ratio[j] = counts[j] / (phinorm + EPS);
    }
  }

  /**
   * The document's terms of the evidence lower bound (scikit-learn's {@code _approx_bound} per
   * document): {@code sum_w n_w log sum_k exp(E[log theta_k] + E[log beta_kw])} plus {@code E[log
   * p(theta | alpha) - log q(theta | gamma)]}.
   */
  public double documentBound(TermCounts doc, double[] gamma) {
    int[] ids = doc.ids();
    double[] counts = doc.counts();
    double[] elogTheta = dirichletExpectation(gamma, 1, k);
    double score = 0;
    double[] terms = new double[k];
    for (int j = 0; j < ids.length; j++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < k; t++) {
        terms[t] = elogTheta[t] + elogBeta[t * v + ids[j]];
        max = Math.max(max, terms[t]);
      }
      double sum = 0;
      for (int t = 0; t < k; t++) {
        sum += Math.exp(terms[t] - max);
      }
      score += counts[j] * (max + Math.log(sum));
    }
    double gammaSum = 0;
    for (int t = 0; t < k; t++) {
      score += (alpha - gamma[t]) * elogTheta[t];
      score += Gamma.logGamma(gamma[t]) - Gamma.logGamma(alpha);
      gammaSum += gamma[t];
    }
    return score + Gamma.logGamma(alpha * k) - Gamma.logGamma(gammaSum);
  }

  /**
   * The topics' term of the evidence lower bound: {@code E[log p(beta | eta) - log q(beta |
   * lambda)]} for topic-word prior {@code eta}.
   */
  public double topicBound(double eta) {
    double score = 0;
    for (int t = 0; t < k; t++) {
      double rowSum = 0;
      for (int w = 0; w < v; w++) {
        double l = lambda[t * v + w];
        score += (eta - l) * elogBeta[t * v + w];
        score += Gamma.logGamma(l) - Gamma.logGamma(eta);
        rowSum += l;
      }
      score += Gamma.logGamma(eta * v) - Gamma.logGamma(rowSum);
    }
    return score;
  }
}
