package org.beamlink.models.pipeline;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.beamlink.models.Provenance;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.clustering.KMeansModel;
import org.beamlink.models.linear.LinearModel;
import org.beamlink.models.linear.LinearModelType;
import org.beamlink.models.rows.FeatureColumns;

/**
 * Small fitted models built by hand, for model file, pipeline model and local predictor tests: a
 * KMeans stage on (x, y) appending cluster and distance, then a logistic stage on (x, y, distance)
 * predicting a STRING label.
 */
public final class TestModels {
  private TestModels() {}

  /** The rows the pipeline takes: x, y and a STRING label. */
  public static final Schema INPUT =
      Schema.builder().addDoubleField("x").addDoubleField("y").addStringField("label").build();

  /** A KMeans stage with centroids (0, 0) and (4, 4). */
  public static KMeansModel kmeansStage() {
    KMeansModel model =
        KMeansModel.of(
            new double[] {0, 0, 4, 4},
            2,
            DistanceMeasure.EUCLIDEAN,
            FeatureColumns.of(List.of("x", "y")),
            Provenance.of("KMeans", Map.of("k", "2"), 7L, 3, 12.5, 100));
    return model.withOutputCols("cluster", "distance");
  }

  /** A logistic stage on (x, y, distance) with labels "no" and "yes". */
  public static LinearModel logisticStage() {
    LinearModel model =
        LinearModel.of(
            LinearModelType.LOGISTIC,
            3,
            new double[] {0.75, -0.5, 0.125},
            new double[] {-0.25},
            List.of("no", "yes"),
            TypeName.STRING,
            FeatureColumns.of(List.of("x", "y", "distance")),
            Provenance.of("LogisticRegression", Map.of("l2", "0.01"), 0L, 17, 0.31, 100)
                .withLossCurve(new double[] {0.69, 0.4, 0.31}));
    return model.withOutputCols("prediction", "probability");
  }

  /** The two stages as a pipeline model of {@link #INPUT} rows. */
  public static PipelineModel pipeline() {
    return PipelineModel.of(INPUT, List.of(kmeansStage(), logisticStage()));
  }
}
