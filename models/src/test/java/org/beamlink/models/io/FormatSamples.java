package org.beamlink.models.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.classification.NaiveBayesModel;
import org.beamlink.models.classification.NaiveBayesModelType;
import org.beamlink.models.clustering.BisectingKMeansModel;
import org.beamlink.models.clustering.CovarianceType;
import org.beamlink.models.clustering.DbscanModel;
import org.beamlink.models.clustering.DistanceMeasure;
import org.beamlink.models.clustering.GaussianMixtureDensity;
import org.beamlink.models.clustering.GaussianMixtureModel;
import org.beamlink.models.clustering.LdaModel;
import org.beamlink.models.feature.BinarizerMapper;
import org.beamlink.models.feature.BucketizerMapper;
import org.beamlink.models.feature.ChiSqSelectorModel;
import org.beamlink.models.feature.FeatureHasherMapper;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.ImputerModel;
import org.beamlink.models.feature.IndexToStringMapper;
import org.beamlink.models.feature.MaxAbsScalerModel;
import org.beamlink.models.feature.MinMaxScalerModel;
import org.beamlink.models.feature.NormalizerMapper;
import org.beamlink.models.feature.OneHotEncoderModel;
import org.beamlink.models.feature.PcaModel;
import org.beamlink.models.feature.PolynomialExpansionMapper;
import org.beamlink.models.feature.StandardScalerModel;
import org.beamlink.models.feature.StringIndexerModel;
import org.beamlink.models.feature.StringOrderType;
import org.beamlink.models.feature.VectorAssemblerMapper;
import org.beamlink.models.feature.VectorSlicerMapper;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.nlp.DocCountVectorizerModel;
import org.beamlink.models.nlp.DocHashCountVectorizerModel;
import org.beamlink.models.nlp.FeatureType;
import org.beamlink.models.nlp.IdfFormula;
import org.beamlink.models.nlp.NGramMapper;
import org.beamlink.models.nlp.Norm;
import org.beamlink.models.nlp.RegexTokenizerMapper;
import org.beamlink.models.nlp.SegmentMapper;
import org.beamlink.models.nlp.StopWordsRemoverMapper;
import org.beamlink.models.nlp.TermWeighting;
import org.beamlink.models.nlp.TokenColumns;
import org.beamlink.models.nlp.TokenizerMapper;
import org.beamlink.models.pipeline.TestModels;
import org.beamlink.models.recommendation.AlsModel;
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.models.rows.FeatureColumns;
import org.beamlink.models.tree.DecisionTree;
import org.beamlink.models.tree.DecisionTreeModel;
import org.beamlink.models.tree.GbtModel;
import org.beamlink.models.tree.RandomForestModel;

/**
 * One small fitted model of every saved format and format version, built by hand, and the rows they
 * score. The committed fixtures under {@code formats/} were written from these by {@link #main}
 * with the code of commit 971ba1a (before model formats were discovered and the KMeans and linear
 * stage wrappers were folded into their models), so that {@code ModelFormatsTest} shows every
 * format still reads what that code wrote and writes it back byte for byte. A format added later
 * has its fixture written by {@link #main} from the code that added it; {@link #main} writes only
 * the fixtures that do not exist yet, and never overwrites one.
 */
final class FormatSamples {
  private FormatSamples() {}

  /** The columns every sample reads from. */
  static final Schema INPUT =
      Schema.builder()
          .addDoubleField("x")
          .addDoubleField("y")
          .addStringField("label")
          .addNullableField("v", VectorLogicalType.FIELD_TYPE)
          .addStringField("color")
          .addStringField("text")
          .addField("tokens", TokenColumns.FIELD_TYPE)
          .addDoubleField("index")
          .build();

  /**
   * The input of sample {@code name}: {@link #INPUT}, and for the linear samples a DOUBLE {@code
   * distance} (their features are x, y and the distance a KMeans stage appends), and for the ALS
   * and neighbourhood samples also INT64 {@code user} and {@code item} (the second row's user is
   * one they never saw).
   */
  static Schema input(String name) {
    if (name.equals("als-model") || name.equals("neighbourhood-model")) {
      return Schema.builder()
          .addFields(INPUT.getFields())
          .addDoubleField("distance")
          .addInt64Field("user")
          .addInt64Field("item")
          .build();
    }
    return name.startsWith("linear-model")
        ? Schema.builder().addFields(INPUT.getFields()).addDoubleField("distance").build()
        : INPUT;
  }

  /** Two rows of {@code input}, one of {@link #input}'s schemas. */
  static List<Row> rows(Schema input) {
    List<List<Object>> values =
        List.of(
            List.of(
                1.0,
                2.0,
                "no",
                Vector.dense(1, -2, 3),
                "red",
                "The quick brown fox",
                List.of("the", "quick", "fox", "the"),
                1.0,
                1.5,
                7L,
                3L),
            List.of(
                4.5,
                -0.5,
                "yes",
                Vector.dense(0.5, 0, -4),
                "blue",
                "jumps over the lazy dog",
                List.of("lazy", "dog", "jumps"),
                0.0,
                0.25,
                8L,
                5L));
    return values.stream()
        .map(v -> Row.withSchema(input).addValues(v.subList(0, input.getFieldCount())).build())
        .toList();
  }

  private static final Provenance NB_PROVENANCE =
      Provenance.of("NaiveBayes", Map.of("smoothing", "1.0"), 0L, 1, Double.NaN, 3);

  private static final TermWeighting TF_IDF =
      TermWeighting.of(FeatureType.TF_IDF, IdfFormula.SKLEARN_SMOOTH, Norm.L2, 1.0);

  /** A sample of every format (and format version), by fixture file name. */
  static Map<String, Object> all() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pipeline-model", TestModels.pipeline());
    m.put("kmeans-model", TestModels.kmeansStage().withoutOutputCols());
    m.put("kmeans-model-stage", TestModels.kmeansStage());
    m.put("linear-model", TestModels.logisticStage().withoutOutputCols());
    m.put("linear-model-stage", TestModels.logisticStage());
    m.put("linear-model-stage-v2", TestModels.logisticStage().withProbabilityCol("pYes"));
    NaiveBayesModel nb =
        NaiveBayesModel.discrete(
            NaiveBayesModelType.MULTINOMIAL,
            FeatureColumns.of(List.of("x", "index")),
            List.of("no", "yes"),
            TypeName.STRING,
            new double[] {2, 1},
            new double[][] {{3, 1}, {0, 2}},
            1.0,
            0.0,
            NB_PROVENANCE);
    m.put("naive-bayes-model", nb);
    m.put("naive-bayes-model-v2", nb.withProbabilityCol("pYes"));
    m.put(
        "naive-bayes-model-gaussian",
        NaiveBayesModel.gaussian(
            FeatureColumns.of(List.of("x", "y")),
            List.of("no", "yes"),
            TypeName.STRING,
            new double[] {3, 5},
            new double[][] {{1, 2}, {4, -1}},
            new double[][] {{0.5, 1}, {2, 0.25}},
            1e-9,
            NB_PROVENANCE));
    m.put(
        "pca-model",
        PcaModel.of(
            "v",
            "pc",
            true,
            10,
            new double[] {1, 0, -1},
            new double[][] {{0.6, 0.8, 0}, {0, 0, 1}},
            new double[] {4, 1},
            new double[] {0.75, 0.1875}));
    m.put(
        "chi-sq-selector-model",
        ChiSqSelectorModel.of(
            "v",
            "selected",
            ChiSqSelectorModel.SelectorType.NUM_TOP_FEATURES,
            2,
            new double[] {3.5, 0.25, 9},
            new double[] {0.06, 0.6, 0.002},
            new int[] {0, 2}));
    m.put(
        "standard-scaler-model",
        StandardScalerModel.of(
            "v", "scaled", true, true, new double[] {1, -1, 0.5}, new double[] {2, 0.5, 4}));
    m.put(
        "min-max-scaler-model",
        MinMaxScalerModel.of("v", "unit", 0, 1, new double[] {-1, -2, -4}, new double[] {3, 2, 4}));
    m.put("max-abs-scaler-model", MaxAbsScalerModel.of("v", "maxAbs", new double[] {2, 4, 8}));
    m.put("normalizer", NormalizerMapper.of("v", "normal", 1.0));
    m.put(
        "imputer-model",
        ImputerModel.of(
            List.of("x", "y"),
            List.of("x_i", "y_i"),
            ImputerModel.Strategy.MEAN,
            Double.NaN,
            new double[] {2.5, 0.75}));
    m.put("binarizer", BinarizerMapper.of(List.of("x", "v"), List.of("x_b", "v_b"), 1.5));
    m.put(
        "bucketizer",
        BucketizerMapper.of(
            List.of("x"),
            List.of("x_bucket"),
            List.of(new double[] {Double.NEGATIVE_INFINITY, 0, 2, Double.POSITIVE_INFINITY}),
            HandleInvalid.ERROR));
    m.put(
        "string-indexer-model",
        StringIndexerModel.of(
            List.of("color", "label"),
            List.of("color_index", "label_index"),
            List.of(List.of("red", "blue"), List.of("no", "yes")),
            StringOrderType.FREQUENCY_DESC,
            HandleInvalid.KEEP));
    m.put("index-to-string", IndexToStringMapper.of("index", "label_again", List.of("no", "yes")));
    m.put(
        "one-hot-encoder-model",
        OneHotEncoderModel.of(
            List.of("color"),
            List.of("color_vec"),
            List.of(List.of("blue", "red")),
            true,
            HandleInvalid.ERROR));
    m.put(
        "vector-assembler",
        VectorAssemblerMapper.of(List.of("x", "v", "y"), "assembled", HandleInvalid.ERROR));
    m.put("vector-slicer", VectorSlicerMapper.of("v", "sliced", 2, 0));
    m.put(
        "feature-hasher",
        FeatureHasherMapper.of(List.of("x", "color", "index"), "hashed", 16, List.of("index")));
    m.put("polynomial-expansion", PolynomialExpansionMapper.of("v", "poly", 2));
    m.put("tokenizer", TokenizerMapper.of("text", "words"));
    m.put("regex-tokenizer", RegexTokenizerMapper.of("text", "words", "\\W+", true, 2, true));
    m.put(
        "stop-words-remover",
        StopWordsRemoverMapper.of("tokens", "kept", List.of("the", "over"), false));
    m.put("ngram", NGramMapper.of("tokens", "bigrams", 2));
    m.put("segment", SegmentMapper.of("text", "segmented", List.of("quick brown")));
    m.put(
        "doc-count-vectorizer-model",
        DocCountVectorizerModel.of(
            "tokens", "tf", List.of("the", "fox", "dog"), new long[] {3, 1, 2}, 4, TF_IDF));
    m.put(
        "doc-hash-count-vectorizer-model",
        DocHashCountVectorizerModel.of(
            "tokens", "hashedTf", 8, new int[] {1, 5}, new long[] {2, 3}, 4, TF_IDF));
    m.put(
        "decision-tree-model",
        DecisionTreeModel.classifier(
            DecisionTree.of(
                new int[] {0, -1, 1, -1, -1},
                new double[] {2.5, 0, 1.0, 0, 0},
                new int[] {1, -1, 3, -1, -1},
                new int[] {2, -1, 4, -1, -1},
                new double[] {0.5, 0.5, 1, 0, 0.25, 0.75, 0.6, 0.4, 0, 1},
                2,
                new double[] {2.5, 0, 1.25, 0, 0}),
            2,
            List.of("no", "yes"),
            TypeName.STRING,
            FeatureColumns.of(List.of("x", "y")),
            Provenance.of("DecisionTreeClassifier", Map.of("maxDepth", "2"), 0L, 2, 0.375, 8)));
    m.put(
        "gbt-model",
        GbtModel.regression(
            List.of(
                DecisionTree.of(
                    new int[] {0, -1, -1},
                    new double[] {2.5, 0, 0},
                    new int[] {1, -1, -1},
                    new int[] {2, -1, -1},
                    new double[] {0, -0.4, 0.6},
                    1,
                    new double[] {4.8, 0, 0}),
                DecisionTree.of(
                    new int[] {1, -1, -1},
                    new double[] {1.0, 0, 0},
                    new int[] {1, -1, -1},
                    new int[] {2, -1, -1},
                    new double[] {0, 0.1, -0.2},
                    1,
                    new double[] {0.5, 0, 0})),
            3.5,
            2,
            FeatureColumns.of(List.of("x", "y")),
            Provenance.of("GbtRegressor", Map.of("numRounds", "2"), 0L, 2, 1.25, 8)));
    m.put(
        "random-forest-model",
        RandomForestModel.classifier(
            List.of(
                DecisionTree.of(
                    new int[] {0, -1, -1},
                    new double[] {2.5, 0, 0},
                    new int[] {1, -1, -1},
                    new int[] {2, -1, -1},
                    new double[] {0.5, 0.5, 0.9, 0.1, 0.2, 0.8},
                    2,
                    new double[] {1.5, 0, 0}),
                DecisionTree.of(
                    new int[] {1, -1, -1},
                    new double[] {1.0, 0, 0},
                    new int[] {1, -1, -1},
                    new int[] {2, -1, -1},
                    new double[] {0.4, 0.6, 0.7, 0.3, 0, 1},
                    2,
                    new double[] {0.75, 0, 0})),
            2,
            List.of("no", "yes"),
            TypeName.STRING,
            FeatureColumns.of(List.of("x", "y")),
            Provenance.of("RandomForestClassifier", Map.of("numTrees", "2"), 7L, 1, 0.25, 8)));
    m.put(
        "als-model",
        AlsModel.of(
                2,
                new long[] {1, 7},
                new double[] {0.5, -1.0, 1.25, 0.75},
                new long[] {3, 5},
                new double[] {2.0, 0.5, -0.25, 1.5},
                Provenance.of("Als", Map.of("rank", "2"), 0L, 10, Double.NaN, 4))
            .withPredictionCol("rating"));
    m.put(
        "neighbourhood-model",
        NeighbourhoodModel.of(
                NeighbourhoodModel.Side.ITEMS,
                "COSINE",
                false,
                new long[] {1, 7},
                new int[] {0, 2, 4},
                new long[] {3, 4, 3, 5},
                new double[] {4.0, 2.0, 5.0, 1.5},
                new long[] {3, 4, 5},
                new int[] {0, 2, 3, 4},
                new long[] {5, 4, 3, 3},
                new double[] {0.75, 0.5, 0.5, 0.75},
                Provenance.of("ItemCf", Map.of("similarity", "COSINE"), 0L, 1, Double.NaN, 4))
            .withPredictionCol("rating"));
    m.put(
        "gaussian-mixture-model",
        GaussianMixtureModel.of(
                GaussianMixtureDensity.of(
                    new double[] {0.25, 0.75},
                    new double[] {1.0, 2.0, 4.0, -0.5},
                    new double[] {1.0, 0.5, 0.5, 2.0, 0.5, -0.1, -0.1, 0.25},
                    CovarianceType.FULL),
                FeatureColumns.of(List.of("x", "y")),
                Provenance.of("GaussianMixture", Map.of("k", "2"), 0L, 7, 2.75, 10))
            .withOutputCols("component", "membership"));
    m.put(
        "bisecting-kmeans-model",
        BisectingKMeansModel.of(
                new long[] {1, 2, 3},
                new long[] {10, 6, 4},
                new double[] {40.0, 5.5, 3.25},
                new double[] {2.0, 1.0, 0.5, 0.0, 4.25, 2.5},
                FeatureColumns.of(List.of("x", "y")),
                Provenance.of("BisectingKMeans", Map.of("k", "2"), 0L, 1, 8.75, 10))
            .withPredictionCol("cluster"));
    m.put(
        "lda-model",
        LdaModel.of(
                2,
                new double[] {3.0, 0.5, 0.25, 2.5},
                0.5,
                0.1,
                100,
                1e-3,
                FeatureColumns.of(List.of("x", "index")),
                Provenance.of("Lda", Map.of("k", "2"), 0L, 10, 42.5, 12))
            .withVocabulary(List.of("fox", "dog"))
            .withTopicDistributionCol("topics"));
    m.put(
        "dbscan-model",
        DbscanModel.of(
                DistanceMeasure.EUCLIDEAN,
                1.5,
                3,
                2,
                new double[] {0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 6.0, 5.0},
                new int[] {0, 0, 0, 1},
                FeatureColumns.of(List.of("x", "y")),
                Provenance.of("Dbscan", Map.of("eps", "1.5"), 0L, 1, Double.NaN, 12))
            .withPredictionCol("cluster"));
    return m;
  }

  /** The columns {@code output} adds to {@code input}, each with its type. */
  static String appended(Schema input, Schema output) {
    StringBuilder s = new StringBuilder();
    for (Schema.Field f :
        output.getFields().subList(input.getFieldCount(), output.getFieldCount())) {
      FieldType t = f.getType();
      String type =
          VectorLogicalType.isVector(t)
              ? "VECTOR"
              : t.getTypeName() == TypeName.ARRAY
                  ? "ARRAY<" + t.getCollectionElementType().getTypeName() + ">"
                  : t.getTypeName().toString();
      s.append(s.length() == 0 ? "" : ", ").append(f.getName()).append(' ').append(type);
    }
    return s.toString();
  }

  public static void main(String[] args) throws Exception {
    for (Map.Entry<String, Object> e : all().entrySet()) {
      Path file =
          Path.of("src/test/resources/org/beamlink/models/io/formats/" + e.getKey() + ".blm");
      if (!java.nio.file.Files.exists(file)) {
        ModelFile.write(e.getValue(), file);
      }
    }
  }
}
