package org.beamlink.transforms.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.beamlink.models.classification.NaiveBayesModelType;
import org.beamlink.transforms.classification.DecisionTreeClassifier;
import org.beamlink.transforms.classification.NaiveBayes;
import org.beamlink.transforms.classification.RandomForestClassifier;
import org.beamlink.transforms.classification.Softmax;
import org.beamlink.transforms.clustering.BisectingKMeans;
import org.beamlink.transforms.clustering.Dbscan;
import org.beamlink.transforms.clustering.GaussianMixture;
import org.beamlink.transforms.clustering.KMeans;
import org.beamlink.transforms.clustering.Lda;
import org.beamlink.transforms.feature.Binarizer;
import org.beamlink.transforms.feature.Bucketizer;
import org.beamlink.transforms.feature.ChiSqSelector;
import org.beamlink.transforms.feature.FeatureHasher;
import org.beamlink.transforms.feature.Imputer;
import org.beamlink.transforms.feature.IndexToString;
import org.beamlink.transforms.feature.MaxAbsScaler;
import org.beamlink.transforms.feature.MinMaxScaler;
import org.beamlink.transforms.feature.Normalizer;
import org.beamlink.transforms.feature.OneHotEncoder;
import org.beamlink.transforms.feature.Pca;
import org.beamlink.transforms.feature.PolynomialExpansion;
import org.beamlink.transforms.feature.QuantileDiscretizer;
import org.beamlink.transforms.feature.StandardScaler;
import org.beamlink.transforms.feature.StringIndexer;
import org.beamlink.transforms.feature.VectorAssembler;
import org.beamlink.transforms.feature.VectorSlicer;
import org.beamlink.transforms.regression.GbtRegressor;

/**
 * A pipeline with a stage of every type the library saves, for iris rows: imputation, assembly,
 * every scaler, the plain vector transforms, PCA, chi-square selection, indexing and encoding of
 * the species, hashing, every clustering (KMeans, DBSCAN, bisecting k-means, Gaussian mixture, LDA
 * on the hashed counts), naive Bayes, the three tree models and softmax regression. Used to show
 * that every stage fits, scores and saves the same way on both runners. {@link #formatOne()} is the
 * subset the format-1 fixture was made from.
 */
final class AllStages {
  private AllStages() {}

  static final String[] IRIS = {"sepal_length", "sepal_width", "petal_length", "petal_width"};

  /** The stages of the format-1 fixture, then every model type added since. */
  static MlPipeline pipeline() {
    List<PipelineStage> stages = new ArrayList<>(formatOne().stages());
    stages.add(
        stages.size() - 1,
        Dbscan.fit().withVectorCol("std").withEps(0.6).withMinPoints(4).withPredictionCol("dense"));
    stages.addAll(
        List.of(
            BisectingKMeans.fit()
                .withVectorCol("std")
                .withK(3)
                .withSeed(3)
                .withPredictionCol("halves"),
            GaussianMixture.fit()
                .withVectorCol("std")
                .withK(3)
                .withSeed(3)
                .withPredictionCol("component")
                .withProbabilityCol("component_p"),
            Lda.fit()
                .withVectorCol("hashed")
                .withK(2)
                .withMaxIter(5)
                .withSeed(3)
                .withTopicDistributionCol("topics"),
            NaiveBayes.fit()
                .withVectorCol("minmax")
                .withLabelCol("species")
                .withModelType(NaiveBayesModelType.MULTINOMIAL)
                .withPredictionCol("bayes")
                .withPredictionDetailCol("bayes_p"),
            DecisionTreeClassifier.fit()
                .withFeatureCols("sl", "sw", "pl", "pw")
                .withLabelCol("species")
                .withMaxDepth(3)
                .withPredictionCol("tree")
                .withPredictionDetailCol("tree_p"),
            RandomForestClassifier.fit()
                .withFeatureCols("sl", "sw", "pl", "pw")
                .withLabelCol("species")
                .withNumTrees(3)
                .withMaxDepth(3)
                .withSeed(3)
                .withPredictionCol("forest")
                .withPredictionDetailCol("forest_p"),
            GbtRegressor.fit()
                .withFeatureCols("sl", "sw", "pl")
                .withLabelCol("pw")
                .withNumRounds(3)
                .withMaxDepth(2)
                .withPredictionCol("boosted")));
    return MlPipeline.of(stages.toArray(PipelineStage[]::new));
  }

  /** The stages the format-1 fixture ({@link AllStagesFixture}) was written from. */
  static MlPipeline formatOne() {
    String[] imputed = {"sl", "sw", "pl", "pw"};
    return MlPipeline.of(
        Imputer.fit().withInputCols(IRIS).withOutputCols(imputed),
        VectorAssembler.of(imputed).withOutputCol("raw"),
        StandardScaler.fit().withInputCol("raw").withOutputCol("std").withMean(true),
        MinMaxScaler.fit().withInputCol("raw").withOutputCol("minmax"),
        MaxAbsScaler.fit().withInputCol("raw").withOutputCol("maxabs"),
        Normalizer.of("raw").withOutputCol("unit"),
        Binarizer.of("pw").withOutputCols("wide").withThreshold(1.0),
        Bucketizer.of(
            "sl", "sl_bucket", Double.NEGATIVE_INFINITY, 5, 6, 7, Double.POSITIVE_INFINITY),
        QuantileDiscretizer.fit()
            .withInputCols("sw")
            .withOutputCols("sw_quartile")
            .withNumBuckets(4),
        PolynomialExpansion.of("std").withOutputCol("poly").withDegree(2),
        VectorSlicer.of("raw").withIndices(0, 2).withOutputCol("sliced"),
        Pca.fit().withInputCol("std").withOutputCol("pca").withK(2),
        ChiSqSelector.fit()
            .withInputCol("minmax")
            .withOutputCol("chosen")
            .withLabelCol("species")
            .withNumTopFeatures(2),
        StringIndexer.fit().withInputCols("species").withOutputCols("species_index"),
        OneHotEncoder.fit().withInputCols("species").withOutputCols("species_onehot"),
        IndexToString.of("species_index")
            .withOutputCol("species_again")
            .withLabels(List.of("setosa", "versicolor", "virginica")),
        FeatureHasher.of("sl", "species").withOutputCol("hashed").withNumFeatures(64),
        KMeans.fit().withVectorCol("std").withK(3).withSeed(3).withPredictionCol("cluster"),
        Softmax.fit()
            .withVectorCol("pca")
            .withLabelCol("species")
            .withL2(1e-3)
            .withMaxIter(20)
            .withPredictionCol("predicted"));
  }
}
