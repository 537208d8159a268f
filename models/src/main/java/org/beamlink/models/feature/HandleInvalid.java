package org.beamlink.models.feature;

/**
 * What a feature stage does with a row it cannot map (an unseen category, a null, a NaN), as Spark
 * ML's {@code handleInvalid} parameter.
 *
 * <p>Only a {@code PTransform} can drop a row: the {@link
 * org.beamlink.models.pipeline.Transformer.Bound} of a stage maps one row to one row, so inside a
 * pipeline model, an {@code ApplyModel} or a local predictor {@link #SKIP} fails the row as {@link
 * #ERROR} does (with {@code withFailures()} the row goes to the failure output, which is how a
 * pipeline drops it).
 *
 * <pre>{@code
 * StringIndexer.fit().withInputCols("color").withOutputCols("colorIndex").withHandleInvalid(HandleInvalid.KEEP);
 * }</pre>
 */
public enum HandleInvalid {
  /** Fail with a message naming the column, the value and the row (the default everywhere). */
  ERROR,
  /** Drop the row (in the feature {@code PTransform}s only; see the class comment). */
  SKIP,
  /** Map the value to an extra slot: index {@code numLabels}, an extra category, or NaN. */
  KEEP,
  /**
   * One-hot encoding only: encode an unseen value as all zeros, as scikit-learn's {@code
   * handle_unknown='ignore'}.
   */
  IGNORE;

  /** The lower-case name Spark and the parameter maps use ({@code error}, {@code keep}, ...). */
  public String paramValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
