package org.beamlink.transforms.evaluation;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.values.Row;
import org.beamlink.transforms.evaluation.BinaryScores.Scored;

/** The combine of the per-window and cumulative paths. */
final class ScoreTableFn extends MetricsCombineFn<Row, ScoreTable, BinaryMetrics> {
  private final BinaryScores scores;
  private final double threshold;
  private final int curvePoints;

  ScoreTableFn(BinaryScores scores, double threshold, int curvePoints) {
    this.scores = scores;
    this.threshold = threshold;
    this.curvePoints = curvePoints;
  }

  @Override
  public ScoreTable createAccumulator() {
    return new ScoreTable();
  }

  @Override
  public ScoreTable addInput(ScoreTable table, Row row) {
    Scored s = scores.read(row);
    List<String> labels =
        s.otherLabel() == null ? List.of(s.label()) : List.of(s.label(), s.otherLabel());
    BinaryLabels.addLabels(table.labels, labels, scores.labelCol(), " in row " + row);
    table.add(new ScoreCount(s.score(), s.positive() ? 1 : 0, s.positive() ? 0 : 1, s.logLoss()));
    return table;
  }

  @Override
  public ScoreTable mergeAccumulators(Iterable<ScoreTable> tables) {
    ScoreTable merged = new ScoreTable();
    for (ScoreTable t : tables) {
      BinaryLabels.addLabels(merged.labels, t.labels, scores.labelCol(), "");
      t.counts.values().forEach(merged::add);
    }
    return merged;
  }

  @Override
  public BinaryMetrics extractOutput(ScoreTable table) {
    return BinaryRanking.compute(
        table.counts.values(),
        scores.positiveLabel(),
        BinaryLabels.negativeOf(table.labels, scores.positiveLabel()),
        threshold,
        curvePoints);
  }

  @Override
  public Coder<ScoreTable> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return new ScoreTable.Coder();
  }
}
