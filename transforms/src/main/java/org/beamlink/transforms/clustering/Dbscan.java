package org.beamlink.transforms.clustering;

import com.google.auto.value.AutoValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.beamlink.models.clustering.DbscanModel;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.linalg.DoubleArrayCoder;
import org.beamlink.models.pipeline.SchemaMapping;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.pipeline.TransformerCoder;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.transforms.pipeline.ApplyModel;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * DBSCAN, density-based clustering with noise (scikit-learn's {@code DBSCAN}, Alink's {@code
 * DbscanTrainBatchOp}): {@link #fit()} finds the clusters of the training rows and gives a {@link
 * DbscanModel}; {@link Fit#andLabel()} also gives every training row with its cluster; {@link
 * #predict} assigns new rows, bounded or unbounded, to the nearest core point's cluster within
 * {@code eps}, else -1.
 *
 * <p>Semantics: a point is a core point when at least {@code minPoints} points, itself included,
 * are within distance {@code eps} of it (scikit-learn's {@code min_samples}; "within" is {@code <=
 * eps}). Core points within {@code eps} of each other are in the same cluster, and clusters are
 * exactly the connected components of that graph. A point that is not core but within {@code eps}
 * of a core point is a border point; every other point is noise (-1). scikit-learn gives a border
 * point within {@code eps} of core points of two clusters the cluster that reached it first in its
 * visiting order; Beamlink gives it the cluster of its <b>nearest</b> core point, the
 * lexicographically smallest core point (by coordinates) among equally near ones: the same rule as
 * {@link DbscanModel#predict}, so the labels of the training rows are the model's predictions on
 * them. Clusters are numbered 0, 1, ... in the lexicographic order of their smallest core point, so
 * the labels depend on neither the rows' order, nor the runner, nor the parallelism.
 *
 * <p>Distance: EUCLIDEAN, or COSINE ({@code 1 - cos}), computed as the Euclidean distance between
 * the points normalised to unit length with radius {@code sqrt(2 eps)}, which is equivalent; a zero
 * vector fails with COSINE.
 *
 * <p>Partitioning: the space is cut into a grid of square cells over the first two coordinates (the
 * first one for one-dimensional data), of side {@code cellSize} times the radius ({@code eps}, or
 * {@code sqrt(2 eps)} for COSINE). Every point is owned by one cell and copied into each
 * neighbouring cell within {@code 2 eps} of it (its halo); one GroupByKey brings each cell's points
 * together. A cell then holds the complete neighbourhood of every point within {@code eps} of its
 * box, so it decides exactly which of those points are core, links those core points into local
 * clusters, and labels the points it owns (a border point's nearest core point is within {@code
 * eps}, so the cell holds it too). Reconciliation: a link between core points of two cells is seen
 * whole by both cells, so two local clusters belong to one cluster exactly when they hold a common
 * core point; every core point held by more than one cell is grouped by its coordinates, the local
 * clusters it joins become edges, and one union-find over all local clusters (on one worker: there
 * are as many as the cells' clusters, not the rows) merges and numbers them. Inside a cell the
 * neighbourhoods come from a grid index of side {@code eps} ({@link
 * org.beamlink.models.clustering.RadiusGrid}); a core point's status stops counting at {@code
 * minPoints}, but linking core points visits every neighbour of every core point: a very dense cell
 * (everything within {@code eps} of everything) is quadratic in its points, and in more than two
 * dimensions the grid prunes by the first two coordinates only. The halo costs about {@code (1 + 4
 * / cellSize)^2} copies of the data; larger cells mean fewer copies but fewer, larger groups.
 *
 * <p>Parameters ({@code fit()} sets every default):
 *
 * <ul>
 *   <li>{@code featureCols} (numeric columns) or {@code vectorCol} (a vector column); one is
 *       required.
 *   <li>{@code eps} > 0, default 0.5 (scikit-learn's); {@code minPoints} >= 1, default 5
 *       (scikit-learn's); {@code distance}, default EUCLIDEAN; {@code cellSize} >= 2 (the partition
 *       cells' side in radii), default 10.
 *   <li>{@code predictionCol}, default "prediction": the cluster column (INT32) of the labelled
 *       rows and of the fitted model's predictions.
 * </ul>
 *
 * <p>Bad input fails naming what and where: a missing or non-numeric column, a null, NaN or
 * infinite feature (with its row), vectors of different sizes, a zero vector with COSINE, an empty
 * input.
 *
 * <pre>{@code
 * PCollectionTuple result =
 *     rows.apply(Dbscan.fit().withFeatureCols("x", "y").withEps(0.3).withMinPoints(10).andLabel());
 * PCollection<Row> labelled = result.get(Dbscan.FitAndLabel.rowsTag()); // + prediction, -1 noise
 * PCollection<DbscanModel> model = result.get(Dbscan.FitAndLabel.modelTag());
 * PCollection<Row> scored = stream.apply(Dbscan.predict(model));
 * }</pre>
 *
 * <p>References: M. Ester, H.-P. Kriegel, J. Sander and X. Xu, A density-based algorithm for
 * discovering clusters in large spatial databases with noise (KDD 1996); J. Gan and Y. Tao, DBSCAN
 * revisited (SIGMOD 2015), for the grid.
 */
public final class Dbscan {
  private Dbscan() {}

  /** A DBSCAN trainer with every default set. */
  public static Fit fit() {
    return new AutoValue_Dbscan_Fit.Builder()
        .setEps(0.5)
        .setMinPoints(5)
        .setDistance(DistanceMeasure.EUCLIDEAN)
        .setCellSize(10)
        .setPredictionCol("prediction")
        .build();
  }

  /**
   * Scores rows, bounded or unbounded, with the one model in {@code model}: appends its {@code
   * predictionCol}. {@code .withFailures()} on the result keeps rows that cannot be scored beside
   * their error.
   *
   * <pre>{@code
   * PCollection<Row> scored = stream.apply(Dbscan.predict(model));
   * }</pre>
   */
  public static ApplyModel<DbscanModel> predict(PCollection<DbscanModel> model) {
    return ApplyModel.of(model);
  }

  /** Trains a {@link DbscanModel}; see {@link Dbscan} for the parameters. */
  @AutoValue
  public abstract static class Fit extends PTransform<PCollection<Row>, PCollection<DbscanModel>>
      implements PipelineStage {
    abstract @Nullable List<String> featureCols();

    abstract @Nullable String vectorCol();

    abstract double eps();

    abstract int minPoints();

    abstract DistanceMeasure distance();

    abstract double cellSize();

    abstract String predictionCol();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setFeatureCols(@Nullable List<String> cols);

      abstract Builder setVectorCol(@Nullable String col);

      abstract Builder setEps(double eps);

      abstract Builder setMinPoints(int minPoints);

      abstract Builder setDistance(DistanceMeasure distance);

      abstract Builder setCellSize(double cellSize);

      abstract Builder setPredictionCol(String col);

      abstract Fit build();
    }

    /** Features from these numeric columns. */
    public Fit withFeatureCols(String... cols) {
      if (cols.length == 0) {
        throw new IllegalArgumentException("Expected at least one feature column, got none");
      }
      return toBuilder().setFeatureCols(List.of(cols)).setVectorCol(null).build();
    }

    /** Features from this vector column. */
    public Fit withVectorCol(String col) {
      return toBuilder().setVectorCol(col).setFeatureCols(null).build();
    }

    /** The neighbourhood radius, finite and above 0; default 0.5. */
    public Fit withEps(double eps) {
      if (!(eps > 0) || Double.isInfinite(eps)) {
        throw new IllegalArgumentException("Expected a finite eps > 0, got " + eps);
      }
      return toBuilder().setEps(eps).build();
    }

    /** The fewest points within eps of a core point, itself included; at least 1, default 5. */
    public Fit withMinPoints(int minPoints) {
      if (minPoints < 1) {
        throw new IllegalArgumentException("Expected minPoints >= 1, got " + minPoints);
      }
      return toBuilder().setMinPoints(minPoints).build();
    }

    /** EUCLIDEAN or COSINE ({@code 1 - cos}); default EUCLIDEAN. */
    public Fit withDistance(DistanceMeasure distance) {
      return toBuilder().setDistance(distance).build();
    }

    /** The side of a partition cell in radii, at least 2; default 10. */
    public Fit withCellSize(double cellSize) {
      if (!(cellSize >= 2) || Double.isInfinite(cellSize)) {
        throw new IllegalArgumentException("Expected a finite cellSize >= 2, got " + cellSize);
      }
      return toBuilder().setCellSize(cellSize).build();
    }

    /** The column of the cluster (INT32, -1 for noise); default "prediction". */
    public Fit withPredictionCol(String col) {
      return toBuilder().setPredictionCol(col).build();
    }

    /** The same fit, also giving every training row with its cluster appended. */
    public FitAndLabel andLabel() {
      return new FitAndLabel(this);
    }

    /** Fits the model and makes it a pipeline stage appending its cluster column. */
    @Override
    public PCollection<DbscanModel> expand(PCollection<Row> input) {
      return run(input, false).get(DbscanTraining.MODEL);
    }

    @Override
    public PCollection<Transformer> fitStage(PCollection<Row> input) {
      PCollection<DbscanModel> model = input.apply(this);
      return PipelineStage.fitted(model, TransformerCoder.mappingOf(model));
    }

    private FeatureColumns features() {
      return FeatureColumns.of(featureCols(), vectorCol(), "Dbscan");
    }

    /** The model and, {@code withRows}, the labelled rows. */
    PCollectionTuple run(PCollection<Row> input, boolean withRows) {
      Schema schema = input.getSchema();
      FeatureColumns features = features();
      features.bind(schema);
      String predictionCol = predictionCol();
      Schema labelled = DbscanModel.outputSchema(schema, predictionCol);
      SchemaMapping mapping =
          in -> {
            features.bind(in);
            return DbscanModel.outputSchema(in, predictionCol);
          };
      DbscanTraining.Params params =
          new DbscanTraining.Params(
              features,
              distance(),
              eps(),
              minPoints(),
              cellSize(),
              withRows,
              predictionCol,
              description());
      PCollectionView<List<Integer>> sizes = null;
      if (features.vectorCol() != null) {
        FeatureColumns.Bound bound = features.bind(schema);
        sizes =
            input
                .apply(
                    "Vector sizes",
                    MapElements.into(TypeDescriptors.integers())
                        .via((Row r) -> bound.extract(r).size()))
                .apply("Distinct sizes", Distinct.create())
                .apply("Sizes view", View.asList());
      }
      PCollection<KV<Long, DbscanTraining.CellPoint>> points =
          input
              .apply(
                  "To cells",
                  ParDo.of(new DbscanTraining.ToCells(params, sizes))
                      .withSideInputs(sizes == null ? List.of() : List.of(sizes)))
              .setCoder(
                  KvCoder.of(
                      VarLongCoder.of(), new DbscanTraining.CellPointCoder(input.getCoder())));
      PCollectionTuple cells =
          points
              .apply("Group cells", GroupByKey.create())
              .apply(
                  "Cluster cells",
                  ParDo.of(new DbscanTraining.ClusterCell(params))
                      .withOutputTags(
                          DbscanTraining.LOCAL_ROWS,
                          TupleTagList.of(DbscanTraining.SHARED)
                              .and(DbscanTraining.MINIMA)
                              .and(DbscanTraining.CORES)));
      cells
          .get(DbscanTraining.LOCAL_ROWS)
          .setCoder(KvCoder.of(DbscanTraining.LOCAL_ID, input.getCoder()));
      cells
          .get(DbscanTraining.SHARED)
          .setCoder(KvCoder.of(DoubleArrayCoder.of(), DbscanTraining.LOCAL_ID));
      cells
          .get(DbscanTraining.MINIMA)
          .setCoder(KvCoder.of(DbscanTraining.LOCAL_ID, DoubleArrayCoder.of()));
      cells
          .get(DbscanTraining.CORES)
          .setCoder(KvCoder.of(DbscanTraining.LOCAL_ID, DoubleArrayCoder.of()));
      PCollectionView<Iterable<KV<KV<Long, Integer>, KV<Long, Integer>>>> edges =
          cells
              .get(DbscanTraining.SHARED)
              .apply("Group shared cores", GroupByKey.create())
              .apply("Shared core edges", ParDo.of(new DbscanTraining.SharedCoreEdges()))
              .setCoder(KvCoder.of(DbscanTraining.LOCAL_ID, DbscanTraining.LOCAL_ID))
              .apply("Edges view", View.asIterable());
      PCollectionView<Iterable<KV<KV<Long, Integer>, double[]>>> minima =
          cells.get(DbscanTraining.MINIMA).apply("Minima view", View.asIterable());
      PCollectionView<Iterable<KV<KV<Long, Integer>, double[]>>> cores =
          cells.get(DbscanTraining.CORES).apply("Cores view", View.asIterable());
      List<PCollectionView<?>> views =
          sizes == null ? List.of(edges, minima, cores) : List.of(edges, minima, cores, sizes);
      PCollectionTuple numbered =
          input
              .apply("Count rows", Count.globally())
              .apply(
                  "Number clusters",
                  ParDo.of(new DbscanTraining.NumberClusters(params, edges, minima, cores, sizes))
                      .withSideInputs(views)
                      .withOutputTags(
                          DbscanTraining.MODEL, TupleTagList.of(DbscanTraining.LABELS)));
      numbered.get(DbscanTraining.MODEL).setCoder(TransformerCoder.of(DbscanModel.class, mapping));
      numbered.get(DbscanTraining.LABELS).setCoder(DbscanTraining.LABELS_CODER);
      PCollectionTuple result =
          PCollectionTuple.of(DbscanTraining.MODEL, numbered.get(DbscanTraining.MODEL));
      if (withRows) {
        PCollectionView<Map<KV<Long, Integer>, Integer>> labels =
            numbered.get(DbscanTraining.LABELS).apply("Labels view", View.asSingleton());
        PCollection<Row> rows =
            cells
                .get(DbscanTraining.LOCAL_ROWS)
                .apply(
                    "Label rows",
                    ParDo.of(new DbscanTraining.Relabel(labels, labelled)).withSideInputs(labels))
                .setRowSchema(labelled);
        result = result.and(FitAndLabel.ROWS, rows);
      }
      return result;
    }

    private Map<String, String> description() {
      Map<String, String> d = new TreeMap<>();
      d.put("eps", Double.toString(eps()));
      d.put("minPoints", Integer.toString(minPoints()));
      d.put("distance", distance().name());
      d.put("cellSize", Double.toString(cellSize()));
      d.put("features", features().toString());
      return d;
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      for (Map.Entry<String, String> e : description().entrySet()) {
        builder.add(DisplayData.item(e.getKey(), e.getValue()));
      }
    }
  }

  /**
   * A {@link Fit} that also labels the training rows: its output holds the model under {@link
   * #modelTag()} and the rows, each with its cluster (INT32, -1 for noise) appended, under {@link
   * #rowsTag()}.
   *
   * <pre>{@code
   * PCollectionTuple result = rows.apply(Dbscan.fit().withVectorCol("v").andLabel());
   * PCollection<Row> labelled = result.get(Dbscan.FitAndLabel.rowsTag());
   * }</pre>
   */
  public static final class FitAndLabel extends PTransform<PCollection<Row>, PCollectionTuple> {
    private static final TupleTag<Row> ROWS = new TupleTag<>("rows") {};

    private final Fit fit;

    private FitAndLabel(Fit fit) {
      this.fit = fit;
    }

    /** The tag of the labelled training rows. */
    public static TupleTag<Row> rowsTag() {
      return ROWS;
    }

    /** The tag of the model, one element. */
    public static TupleTag<DbscanModel> modelTag() {
      return DbscanTraining.MODEL;
    }

    @Override
    public PCollectionTuple expand(PCollection<Row> input) {
      return fit.run(input, true);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      fit.populateDisplayData(builder);
    }
  }
}
