package org.beamlink.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.beamlink.models.feature.ImputerModel;
import org.beamlink.transforms.classification.DecisionTreeClassifier;
import org.beamlink.transforms.classification.GbtClassifier;
import org.beamlink.transforms.classification.LinearSvm;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.classification.RandomForestClassifier;
import org.beamlink.transforms.classification.Softmax;
import org.beamlink.transforms.clustering.BisectingKMeans;
import org.beamlink.transforms.clustering.Dbscan;
import org.beamlink.transforms.clustering.GaussianMixture;
import org.beamlink.transforms.clustering.KMeans;
import org.beamlink.transforms.clustering.Lda;
import org.beamlink.transforms.feature.FeatureHasher;
import org.beamlink.transforms.feature.Imputer;
import org.beamlink.transforms.feature.MaxAbsScaler;
import org.beamlink.transforms.feature.MinMaxScaler;
import org.beamlink.transforms.feature.Normalizer;
import org.beamlink.transforms.feature.Pca;
import org.beamlink.transforms.feature.StandardScaler;
import org.beamlink.transforms.feature.VectorAssembler;
import org.beamlink.transforms.linear.LinearFit;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.PipelineStage;
import org.beamlink.transforms.recommendation.Als;
import org.beamlink.transforms.recommendation.ItemCf;
import org.beamlink.transforms.recommendation.NeighbourhoodFit;
import org.beamlink.transforms.recommendation.Swing;
import org.beamlink.transforms.recommendation.UserCf;
import org.beamlink.transforms.regression.DecisionTreeRegressor;
import org.beamlink.transforms.regression.GbtRegressor;
import org.beamlink.transforms.regression.LinearRegression;
import org.beamlink.transforms.regression.RandomForestRegressor;
import org.beamlink.transforms.tree.DecisionTreeFit;
import org.beamlink.transforms.tree.GbtFit;
import org.beamlink.transforms.tree.RandomForestFit;

/**
 * The pipeline {@code beamlink train --pipeline} builds from a comma-separated list of stages,
 * applied in order to the feature columns:
 *
 * <ul>
 *   <li>{@code impute}: mean imputation of null and NaN in the feature columns (into {@code
 *       <col>_imputed}).
 *   <li>{@code hash} or {@code hash=N}: the feature columns (numeric and text) hashed into N
 *       features (default 2^18), instead of assembling them into one vector, which otherwise
 *       happens before the first vector stage.
 *   <li>Vector stages: {@code standard-scaler}, {@code minmax-scaler}, {@code maxabs-scaler},
 *       {@code normalizer}, {@code pca=K}; each writes a new vector column.
 *   <li>Optionally a model, last: {@code logreg}, {@code softmax}, {@code svm}, {@code linreg},
 *       {@code decision-tree[=DEPTH]} (a classification tree, default depth 5), {@code
 *       decision-tree-regressor[=DEPTH]}, {@code random-forest[=TREES]} and {@code
 *       random-forest-regressor[=TREES]} (default 20 trees of depth 5), {@code gbt[=ROUNDS]}
 *       (binary labels) and {@code gbt-regressor[=ROUNDS]} (default 20 rounds of depth 5) (these
 *       need a label), or a clustering: {@code kmeans=K}, {@code gmm=K} (a Gaussian mixture, full
 *       covariances), {@code bisecting-kmeans=K} or {@code lda=K} (a topic model of K topics, batch
 *       variational Bayes, on the features as term counts: it appends "topicDistribution") or
 *       {@code dbscan} (density clusters, -1 for noise, with {@link #withDbscan}'s eps and
 *       minPoints). Without one the pipeline is a feature pipeline, as Spark ML allows: {@code
 *       beamlink predict} then appends the features it computes.
 *   <li>Or a recommender, alone: {@code als[=RANK]} (explicit ALS, default rank 10), {@code
 *       item-cf[=NEIGHBOURS]}, {@code user-cf[=NEIGHBOURS]} (default 64 neighbours) or {@code
 *       swing[=NEIGHBOURS]} (default all), on user, item and rating columns ({@link #recommender(
 *       Columns, Double, int)}); {@code beamlink recommend} reads the file it writes, and {@code
 *       beamlink predict} appends the predicted rating of (user, item) rows.
 * </ul>
 *
 * <pre>{@code
 * PipelineSpec spec = PipelineSpec.parse("impute,standard-scaler,logreg");
 * MlPipeline p = spec.build(List.of("x", "y"), "label", 1e-3, 100);
 * }</pre>
 */
final class PipelineSpec {
  private static final Set<String> FEATURE_STAGES =
      Set.of(
          "impute",
          "hash",
          "standard-scaler",
          "minmax-scaler",
          "maxabs-scaler",
          "normalizer",
          "pca");
  private static final Set<String> MODELS =
      Set.of(
          "logreg",
          "softmax",
          "svm",
          "linreg",
          "kmeans",
          "gmm",
          "bisecting-kmeans",
          "lda",
          "dbscan",
          "decision-tree",
          "decision-tree-regressor",
          "random-forest",
          "random-forest-regressor",
          "gbt",
          "gbt-regressor",
          "als",
          "item-cf",
          "user-cf",
          "swing");
  private static final String STAGES =
      "impute, hash[=N], standard-scaler, minmax-scaler, maxabs-scaler, normalizer, pca=K, and"
          + " optionally one model last: logreg, softmax, svm, linreg, decision-tree[=DEPTH],"
          + " decision-tree-regressor[=DEPTH], random-forest[=TREES],"
          + " random-forest-regressor[=TREES], gbt[=ROUNDS], gbt-regressor[=ROUNDS], kmeans=K,"
          + " gmm=K, bisecting-kmeans=K, lda=K or dbscan; or alone, a recommender: als[=RANK],"
          + " item-cf[=NEIGHBOURS], user-cf[=NEIGHBOURS] or swing[=NEIGHBOURS]";

  /** The tree model stages, which take an optional number: depth, trees or rounds. */
  private static final Set<String> TREES =
      Set.of(
          "decision-tree",
          "decision-tree-regressor",
          "random-forest",
          "random-forest-regressor",
          "gbt",
          "gbt-regressor");

  /**
   * The recommenders, each the only stage, on user, item and rating columns instead of features,
   * with an optional number: ALS's rank, the neighbours kept per item (user for UserCF).
   */
  private static final Set<String> RECOMMENDERS = Set.of("als", "item-cf", "user-cf", "swing");

  /** The model stages that need no label. */
  private static final Set<String> CLUSTERINGS =
      Set.of("kmeans", "gmm", "bisecting-kmeans", "lda", "dbscan");

  /** The clusterings that need their number of clusters or topics. */
  private static final Set<String> COUNTED = Set.of("kmeans", "gmm", "bisecting-kmeans", "lda");

  /** One stage of the list: its name and its number ({@code pca=3}), or -1. */
  private record Stage(String name, int arg) {}

  private final String text;
  private final List<Stage> stages;
  private final double eps;
  private final int minPoints;

  private PipelineSpec(String text, List<Stage> stages, double eps, int minPoints) {
    this.text = text;
    this.stages = stages;
    this.eps = eps;
    this.minPoints = minPoints;
  }

  /** The same stages, a {@code dbscan} stage with this eps and minPoints (default 0.5 and 5). */
  PipelineSpec withDbscan(double eps, int minPoints) {
    // Refused here, with Dbscan's messages, rather than when the pipeline is built.
    Dbscan.fit().withEps(eps).withMinPoints(minPoints);
    return new PipelineSpec(text, stages, eps, minPoints);
  }

  /**
   * The stages of {@code text}.
   *
   * @throws IllegalArgumentException for an unknown stage, a model that is not last, or a stage
   *     number that is missing or not a positive whole number
   */
  static PipelineSpec parse(String text) {
    List<Stage> stages = new ArrayList<>();
    String[] names = text.split(",");
    for (int i = 0; i < names.length; i++) {
      String name = names[i].strip();
      String arg = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        arg = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (!FEATURE_STAGES.contains(name) && !MODELS.contains(name)) {
        throw new IllegalArgumentException(
            "Unknown pipeline stage '" + name + "'; expected " + STAGES);
      }
      if (MODELS.contains(name) && i < names.length - 1) {
        throw new IllegalArgumentException(
            "The model stage '" + name + "' must be the last stage of --pipeline " + text);
      }
      boolean needsNumber = name.equals("pca") || COUNTED.contains(name);
      if (arg == null && needsNumber) {
        throw new IllegalArgumentException(
            "The stage '" + name + "' needs a number: " + name + "=K");
      }
      if (RECOMMENDERS.contains(name) && names.length > 1) {
        throw new IllegalArgumentException(
            "The recommender stage '"
                + name
                + "' reads the user, item and rating columns, not features: give it alone, as"
                + " --pipeline "
                + name
                + ", not --pipeline "
                + text);
      }
      if (arg != null
          && !needsNumber
          && !name.equals("hash")
          && !TREES.contains(name)
          && !RECOMMENDERS.contains(name)) {
        throw new IllegalArgumentException("The stage '" + name + "' takes no number");
      }
      stages.add(new Stage(name, arg == null ? -1 : number(name, arg)));
    }
    return new PipelineSpec(text, stages, 0.5, 5);
  }

  private static int number(String name, String arg) {
    try {
      int n = Integer.parseInt(arg.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw new IllegalArgumentException(
        "The stage '" + name + "' needs a whole number above 0: " + name + "=K, got '" + arg + "'");
  }

  /** The model stage's name, or null for a feature pipeline. */
  String model() {
    Stage last = stages.get(stages.size() - 1);
    return MODELS.contains(last.name()) ? last.name() : null;
  }

  /** True when the model needs a label. */
  boolean supervised() {
    return model() != null && !CLUSTERINGS.contains(model()) && !recommender();
  }

  /** True when the pipeline is one recommender ({@link #recommender(Columns, Double, int)}). */
  boolean recommender() {
    return RECOMMENDERS.contains(stages.get(0).name());
  }

  /**
   * The columns of a recommender: user and item ids, and the ratings (null: ItemCF and UserCF take
   * every interaction as 1, ALS reads "rating").
   */
  record Columns(String user, String item, String rating) {}

  /**
   * The pipeline of the one recommender stage on {@code columns}, ALS with {@code l2} as its
   * regParam (null: 0.1) and {@code maxIter} iterations.
   *
   * @throws IllegalArgumentException for a rating column given to Swing, which takes none
   */
  MlPipeline recommender(Columns columns, Double l2, int maxIter) {
    Stage stage = stages.get(0);
    int n = stage.arg();
    PipelineStage built =
        switch (stage.name()) {
          case "als" -> {
            Als.Fit als =
                Als.fit()
                    .withUserCol(columns.user())
                    .withItemCol(columns.item())
                    .withRatingCol(columns.rating() == null ? "rating" : columns.rating())
                    .withMaxIter(maxIter);
            als = n > 0 ? als.withRank(n) : als;
            yield l2 == null ? als : als.withRegParam(l2);
          }
          case "swing" -> {
            if (columns.rating() != null) {
              throw new IllegalArgumentException(
                  "swing counts interactions and takes no --rating-col (got "
                      + columns.rating()
                      + ")");
            }
            Swing.Fit swing = Swing.fit().withUserCol(columns.user()).withItemCol(columns.item());
            yield n > 0 ? swing.withMaxNeighbours(n) : swing;
          }
          default -> {
            NeighbourhoodFit cf =
                (stage.name().equals("item-cf") ? ItemCf.fit() : UserCf.fit())
                    .withUserCol(columns.user())
                    .withItemCol(columns.item());
            cf = columns.rating() == null ? cf : cf.withRatingCol(columns.rating());
            yield n > 0 ? cf.withMaxNeighbours(n) : cf;
          }
        };
    return MlPipeline.of(List.of(built));
  }

  /**
   * True when the first stage takes missing values: {@code impute} fills them, {@code hash} skips
   * nulls. Any other first stage needs a value in every feature column.
   */
  boolean takesMissingValues() {
    String first = stages.get(0).name();
    return first.equals("impute") || first.equals("hash");
  }

  /** The text the stages were parsed from. */
  @Override
  public String toString() {
    return text;
  }

  /**
   * The pipeline on {@code features}, with the model's {@code label}, {@code l2} and {@code
   * maxIter}.
   *
   * @throws IllegalArgumentException for a supervised model without a label
   */
  MlPipeline build(List<String> features, String label, double l2, int maxIter) {
    List<PipelineStage> built = new ArrayList<>();
    List<String> columns = new ArrayList<>(features);
    String vector = null;
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      String next = "features_" + (i + 1);
      switch (stage.name()) {
        case "impute" -> {
          List<String> imputed = columns.stream().map(c -> c + "_imputed").toList();
          built.add(
              Imputer.fit()
                  .withInputCols(columns.toArray(new String[0]))
                  .withOutputCols(imputed.toArray(new String[0]))
                  .withStrategy(ImputerModel.Strategy.MEAN));
          columns = new ArrayList<>(imputed);
        }
        case "hash" -> {
          FeatureHasher hasher =
              FeatureHasher.of(columns.toArray(new String[0])).withOutputCol(next);
          built.add(stage.arg() < 0 ? hasher : hasher.withNumFeatures(stage.arg()));
          vector = next;
        }
        case "standard-scaler", "minmax-scaler", "maxabs-scaler", "normalizer", "pca" -> {
          if (vector == null) {
            vector = "features_0";
            built.add(VectorAssembler.of(columns.toArray(new String[0])).withOutputCol(vector));
          }
          built.add(vectorStage(stage, vector, next));
          vector = next;
        }
        default -> built.add(model(stage, label, vector, columns, l2, maxIter));
      }
    }
    return MlPipeline.of(built);
  }

  private static PipelineStage vectorStage(Stage stage, String in, String out) {
    return switch (stage.name()) {
      case "standard-scaler" -> StandardScaler.fit().withInputCol(in).withOutputCol(out);
      case "minmax-scaler" -> MinMaxScaler.fit().withInputCol(in).withOutputCol(out);
      case "maxabs-scaler" -> MaxAbsScaler.fit().withInputCol(in).withOutputCol(out);
      case "normalizer" -> Normalizer.of(in).withOutputCol(out);
      default -> Pca.fit().withInputCol(in).withOutputCol(out).withK(stage.arg());
    };
  }

  /** A tree model stage: its number is a tree's depth, a forest's trees or boosting's rounds. */
  private static PipelineStage treeModel(
      Stage stage, String label, String vector, String[] featureCols) {
    int n = stage.arg();
    switch (stage.name()) {
      case "random-forest", "random-forest-regressor" -> {
        RandomForestFit forest =
            stage.name().equals("random-forest")
                ? RandomForestClassifier.fit()
                : RandomForestRegressor.fit();
        forest = forest.withLabelCol(label);
        forest = n > 0 ? forest.withNumTrees(n) : forest;
        return vector != null ? forest.withVectorCol(vector) : forest.withFeatureCols(featureCols);
      }
      case "gbt", "gbt-regressor" -> {
        GbtFit gbt = stage.name().equals("gbt") ? GbtClassifier.fit() : GbtRegressor.fit();
        gbt = gbt.withLabelCol(label);
        gbt = n > 0 ? gbt.withNumRounds(n) : gbt;
        return vector != null ? gbt.withVectorCol(vector) : gbt.withFeatureCols(featureCols);
      }
      default -> {
        DecisionTreeFit tree =
            stage.name().equals("decision-tree")
                ? DecisionTreeClassifier.fit()
                : DecisionTreeRegressor.fit();
        tree = tree.withLabelCol(label);
        tree = n > 0 ? tree.withMaxDepth(n) : tree;
        return vector != null ? tree.withVectorCol(vector) : tree.withFeatureCols(featureCols);
      }
    }
  }

  private PipelineStage model(
      Stage stage, String label, String vector, List<String> columns, double l2, int maxIter) {
    String[] featureCols = columns.toArray(new String[0]);
    switch (stage.name()) {
      case "kmeans" -> {
        KMeans.Fit kmeans = KMeans.fit().withK(stage.arg()).withMaxIter(maxIter);
        return vector != null ? kmeans.withVectorCol(vector) : kmeans.withFeatureCols(featureCols);
      }
      case "gmm" -> {
        GaussianMixture.Fit gmm = GaussianMixture.fit().withK(stage.arg()).withMaxIter(maxIter);
        return vector != null ? gmm.withVectorCol(vector) : gmm.withFeatureCols(featureCols);
      }
      case "bisecting-kmeans" -> {
        BisectingKMeans.Fit bisecting =
            BisectingKMeans.fit().withK(stage.arg()).withMaxIter(maxIter);
        return vector != null
            ? bisecting.withVectorCol(vector)
            : bisecting.withFeatureCols(featureCols);
      }
      case "lda" -> {
        Lda.Fit lda = Lda.fit().withK(stage.arg()).withMaxIter(maxIter);
        return vector != null ? lda.withVectorCol(vector) : lda.withFeatureCols(featureCols);
      }
      case "dbscan" -> {
        Dbscan.Fit dbscan = Dbscan.fit().withEps(eps).withMinPoints(minPoints);
        return vector != null ? dbscan.withVectorCol(vector) : dbscan.withFeatureCols(featureCols);
      }
      default -> {
        // A supervised model, below.
      }
    }
    if (label == null) {
      throw new IllegalArgumentException("The model stage '" + stage.name() + "' needs --label");
    }
    if (TREES.contains(stage.name())) {
      return treeModel(stage, label, vector, featureCols);
    }
    LinearFit fit =
        switch (stage.name()) {
          case "logreg" -> LogisticRegression.fit();
          case "softmax" -> Softmax.fit();
          case "svm" -> LinearSvm.fit();
          default -> LinearRegression.fit();
        };
    fit = fit.withLabelCol(label).withL2(l2).withMaxIter(maxIter);
    return vector != null
        ? fit.withVectorCol(vector)
        : fit.withFeatureCols(columns.toArray(new String[0]));
  }
}
