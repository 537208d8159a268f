package org.beamlink.examples.cli;

import java.util.ArrayList;
import java.util.List;
import org.beamlink.models.feature.ImputerModel;
import org.beamlink.transforms.classification.LinearSvm;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.classification.Softmax;
import org.beamlink.transforms.clustering.KMeans;
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
import org.beamlink.transforms.regression.LinearRegression;

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
 *   <li>The model, last: {@code logreg}, {@code softmax}, {@code svm}, {@code linreg} (these need a
 *       label) or {@code kmeans=K}.
 * </ul>
 *
 * <pre>{@code
 * MlPipeline p = PipelineSpec.parse("impute,standard-scaler,logreg", List.of("x", "y"), "label", 1e-3, 100);
 * }</pre>
 */
final class PipelineSpec {
  private PipelineSpec() {}

  /**
   * The pipeline for {@code spec}.
   *
   * @throws IllegalArgumentException for an unknown stage, a model that is not last, or a
   *     supervised model without a label
   */
  static MlPipeline parse(
      String spec, List<String> features, String label, double l2, int maxIter) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> columns = new ArrayList<>(features);
    String vector = null;
    String[] names = spec.split(",");
    for (int i = 0; i < names.length; i++) {
      String name = names[i].trim();
      String arg = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        arg = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      boolean last = i == names.length - 1;
      String next = "features_" + (i + 1);
      switch (name) {
        case "impute" -> {
          List<String> imputed = columns.stream().map(c -> c + "_imputed").toList();
          stages.add(
              Imputer.fit()
                  .withInputCols(columns.toArray(new String[0]))
                  .withOutputCols(imputed.toArray(new String[0]))
                  .withStrategy(ImputerModel.Strategy.MEAN));
          columns = new ArrayList<>(imputed);
        }
        case "hash" -> {
          FeatureHasher hasher =
              FeatureHasher.of(columns.toArray(new String[0])).withOutputCol(next);
          stages.add(arg == null ? hasher : hasher.withNumFeatures(Integer.parseInt(arg)));
          vector = next;
        }
        case "standard-scaler", "minmax-scaler", "maxabs-scaler", "normalizer", "pca" -> {
          if (vector == null) {
            vector = "features_0";
            stages.add(VectorAssembler.of(columns.toArray(new String[0])).withOutputCol(vector));
          }
          stages.add(vectorStage(name, arg, vector, next));
          vector = next;
        }
        case "logreg", "softmax", "svm", "linreg", "kmeans" -> {
          if (!last) {
            throw new IllegalArgumentException(
                "The model stage '" + name + "' must be the last stage of --pipeline " + spec);
          }
          stages.add(model(name, arg, label, vector, columns, l2, maxIter));
        }
        default ->
            throw new IllegalArgumentException(
                "Unknown pipeline stage '"
                    + name
                    + "'; expected impute, hash[=N], standard-scaler, minmax-scaler,"
                    + " maxabs-scaler, normalizer, pca=K, logreg, softmax, svm, linreg or"
                    + " kmeans=K");
      }
    }
    return MlPipeline.of(stages);
  }

  private static PipelineStage vectorStage(String name, String arg, String in, String out) {
    return switch (name) {
      case "standard-scaler" -> StandardScaler.fit().withInputCol(in).withOutputCol(out);
      case "minmax-scaler" -> MinMaxScaler.fit().withInputCol(in).withOutputCol(out);
      case "maxabs-scaler" -> MaxAbsScaler.fit().withInputCol(in).withOutputCol(out);
      case "normalizer" -> Normalizer.of(in).withOutputCol(out);
      default -> Pca.fit().withInputCol(in).withOutputCol(out).withK(intArg(name, arg));
    };
  }

  private static PipelineStage model(
      String name,
      String arg,
      String label,
      String vector,
      List<String> columns,
      double l2,
      int maxIter) {
    if (name.equals("kmeans")) {
      KMeans.Fit kmeans = KMeans.fit().withK(intArg(name, arg)).withMaxIter(maxIter);
      return vector != null
          ? kmeans.withVectorCol(vector)
          : kmeans.withFeatureCols(columns.toArray(new String[0]));
    }
    if (label == null) {
      throw new IllegalArgumentException("The model stage '" + name + "' needs --label");
    }
    LinearFit fit =
        switch (name) {
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

  private static int intArg(String name, String arg) {
    if (arg == null) {
      throw new IllegalArgumentException("The stage '" + name + "' needs a number: " + name + "=K");
    }
    return Integer.parseInt(arg);
  }
}
