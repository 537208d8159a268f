package org.beamlink.examples.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * The rows a {@code --pipeline} command ({@code train --pipeline}, {@code tune}) fits on: the input
 * read with its feature columns and label, and missing values in the label and, unless the pipeline
 * starts with {@code impute} or {@code hash}, in the features rejected naming file and line.
 *
 * <pre>{@code
 * PipelineInput read = PipelineInput.read(p, input, features, label, label, stages);
 * MlPipeline fit = stages.build(read.columns(), label, l2, maxIter);
 * }</pre>
 *
 * @param rows the checked rows
 * @param columns the feature columns
 */
record PipelineInput(PCollection<Row> rows, List<String> columns) {
  /**
   * Reads {@code input}'s feature columns (never {@code label}) and {@code usedLabel} (the label
   * the model trains on, or null) into {@code p}.
   */
  static PipelineInput read(
      Pipeline p,
      InputOptions input,
      FeatureOptions features,
      String label,
      String usedLabel,
      PipelineSpec stages) {
    List<String> excluded = label == null ? List.of() : List.of(label);
    PCollection<Row> located =
        input.read(
            p, readable -> TrainCommand.withLabel(features.columns(readable, excluded), usedLabel));
    List<String> columns = features.columns(InputOptions.valuesSchema(located), excluded);
    List<String> required = new ArrayList<>();
    if (usedLabel != null) {
      required.add(usedLabel);
    }
    if (!stages.takesMissingValues()) {
      required.addAll(columns);
    }
    PCollection<Row> rows =
        located.apply(
            ValueRules.finite()
                .requiring(
                    required,
                    "the pipeline needs a value in its label and, unless it starts with impute"
                        + " (which fills missing values) or hash, in every feature column"));
    return new PipelineInput(rows, columns);
  }
}
