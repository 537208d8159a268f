package org.beamlink.examples.cli;

import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.beamlink.models.rows.FeatureColumns;
import picocli.CommandLine.Option;

/**
 * The {@code --features} option of the commands that fit a model to columns of the input: the
 * columns named, or every numeric column but the label.
 *
 * <pre>{@code
 * @Mixin FeatureOptions features;
 * ...
 * List<String> columns = features.columns(schema, List.of(label));
 * }</pre>
 */
final class FeatureOptions {
  @Option(
      names = "--features",
      split = ",",
      paramLabel = "COL",
      description = "Feature columns (default: every numeric column, but the label).")
  List<String> features;

  /**
   * The feature columns: those of {@code --features}, else the numeric columns of {@code schema}
   * not in {@code excluded}.
   *
   * @throws IllegalArgumentException when there is no numeric column to take
   */
  List<String> columns(Schema schema, List<String> excluded) {
    if (features != null) {
      return features;
    }
    List<String> numeric = FeatureColumns.numericColumns(schema, excluded);
    if (numeric.isEmpty()) {
      throw new IllegalArgumentException(
          "No numeric feature column"
              + (excluded.isEmpty() ? "" : " besides " + excluded)
              + "; the input has columns "
              + schema.getFieldNames()
              + " (a column is numeric when most of its values are numbers, or declared so with"
              + " --schema COL:double)");
    }
    return numeric;
  }
}
