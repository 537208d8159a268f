package org.beamlink.transforms.pipeline;

import java.util.List;
import org.beamlink.transforms.classification.Softmax;
import org.beamlink.transforms.clustering.Dbscan;
import org.beamlink.transforms.clustering.KMeans;
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

/**
 * A pipeline with a stage of every type the library saves, for iris rows: imputation, assembly,
 * every scaler, the plain vector transforms, PCA, chi-square selection, indexing and encoding of
 * the species, hashing, KMeans, DBSCAN and softmax regression. Used to show that every stage fits,
 * scores and saves the same way on both runners, and to make the format-1 fixture of every type.
 */
final class AllStages {
  private AllStages() {}

  static final String[] IRIS = {"sepal_length", "sepal_width", "petal_length", "petal_width"};

  static MlPipeline pipeline() {
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
        Dbscan.fit().withVectorCol("std").withEps(0.6).withMinPoints(4).withPredictionCol("dense"),
        Softmax.fit()
            .withVectorCol("pca")
            .withLabelCol("species")
            .withL2(1e-3)
            .withMaxIter(20)
            .withPredictionCol("predicted"));
  }
}
