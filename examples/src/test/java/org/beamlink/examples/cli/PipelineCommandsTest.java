package org.beamlink.examples.cli;

import static org.beamlink.examples.cli.CommandLineFixture.IRIS;
import static org.beamlink.examples.cli.CommandLineFixture.csv;
import static org.beamlink.examples.cli.CommandLineFixture.direct;
import static org.beamlink.examples.cli.CommandLineFixture.predict;
import static org.beamlink.examples.cli.CommandLineFixture.succeeds;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.csv.CSVRecord;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.io.ModelFormats;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.LocalPredictor;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.recommendation.AlsModel;
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.models.recommendation.Recommendation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code beamlink train --pipeline} then {@code beamlink predict} with the file it wrote. */
class PipelineCommandsTest {
  @TempDir Path dir;

  private CommandLineFixture files;

  @BeforeEach
  void files() {
    files = new CommandLineFixture(dir);
  }

  /**
   * Trains impute + standard-scaler + softmax on iris on embedded Flink, scores the same file with
   * the model file on the DirectRunner, and checks every written prediction against a
   * LocalPredictor on the same file.
   */
  @Test
  void trainWritesAModelFileThatPredictScoresWith() throws IOException {
    Path model = files.path("iris.blm");
    CommandLineRun train =
        CommandLineRun.of(
            "train",
            "--pipeline",
            "impute,standard-scaler,softmax",
            "--input",
            IRIS,
            "--label",
            "species",
            "--l2",
            "0.001",
            "--model",
            model.toString(),
            "--json",
            "--quiet",
            "--flinkMaster=[auto]",
            "--parallelism=2");
    assertEquals(0, train.code(), train.err());
    assertTrue(train.out().contains("\"stages\":4"), train.out());
    PipelineModel fitted = ModelFile.read(model, PipelineModel.class);
    assertEquals(4, fitted.stages().size());

    Path out = files.path("scored.csv");
    CommandLineRun predict = predict(model, IRIS, out, "--json", "--quiet");
    assertEquals(0, predict.code(), predict.err());
    assertTrue(predict.out().contains("\"rowsScored\":150"), predict.out());
    List<CSVRecord> lines = csv(out);
    assertEquals(151, lines.size());
    int prediction = lines.get(0).toList().indexOf("prediction");
    assertTrue(prediction > 0, lines.get(0).toString());

    LocalPredictor local = LocalPredictor.load(model);
    Schema schema = ((PipelineModel) local.model()).inputSchema();
    int correct = 0;
    for (CSVRecord f : lines.subList(1, lines.size())) {
      Row in =
          Row.withSchema(schema)
              .addValues(
                  Double.parseDouble(f.get(0)),
                  Double.parseDouble(f.get(1)),
                  Double.parseDouble(f.get(2)),
                  Double.parseDouble(f.get(3)),
                  f.get(4))
              .build();
      Row expected = local.predict(in);
      assertEquals(expected.getString("prediction"), f.get(prediction), f.toString());
      assertEquals(
          expected.getValue("predictionDetail").toString(),
          f.get(prediction + 1),
          "probabilities written to the last digit");
      correct += f.get(prediction).equals(f.get(4)) ? 1 : 0;
    }
    assertTrue(correct >= 140, "training accuracy " + correct + "/150");
  }

  /**
   * Trains a forest of ten trees as the pipeline's model (random-forest=10), and a regression
   * forest and boosted regression trees on the same rows (petal width from the other columns); the
   * LocalPredictor scores with each file.
   */
  @Test
  void trainsForestAndBoostingStagesTheLocalPredictorScoresWith() throws IOException {
    Path forest = dir.resolve("forest.blm");
    CommandLineRun train =
        CommandLineRun.of(
            "train",
            "--pipeline",
            "random-forest=10",
            "--input",
            IRIS,
            "--label",
            "species",
            "--model",
            forest.toString(),
            "--quiet",
            "--runner=DirectRunner");
    assertEquals(0, train.code(), train.err());
    LocalPredictor local = LocalPredictor.load(forest);
    Schema schema = ((PipelineModel) local.model()).inputSchema();
    int correct = 0;
    for (CSVRecord f : csv(Path.of(IRIS)).subList(1, 151)) {
      Row in =
          Row.withSchema(schema)
              .addValues(
                  Double.parseDouble(f.get(0)),
                  Double.parseDouble(f.get(1)),
                  Double.parseDouble(f.get(2)),
                  Double.parseDouble(f.get(3)),
                  f.get(4))
              .build();
      correct += local.predict(in).getString("prediction").equals(f.get(4)) ? 1 : 0;
    }
    assertTrue(correct >= 140, "training accuracy " + correct + "/150");
    for (String stage : new String[] {"random-forest-regressor=5", "gbt-regressor=5"}) {
      Path model = dir.resolve(stage + ".blm");
      CommandLineRun regression =
          CommandLineRun.of(
              "train",
              "--pipeline",
              stage,
              "--input",
              IRIS,
              "--label",
              "petal_width",
              "--model",
              model.toString(),
              "--quiet",
              "--runner=DirectRunner");
      assertEquals(0, regression.code(), regression.err());
      assertTrue(LocalPredictor.load(model).model() instanceof PipelineModel, stage);
    }
  }

  /**
   * Trains a depth-3 classification tree as the pipeline's model; the LocalPredictor scores the
   * file with it. scikit-learn's DecisionTreeClassifier(max_depth=3) fits 146 of the 150 iris rows.
   */
  @Test
  void trainsADecisionTreeStageTheLocalPredictorScoresWith() throws IOException {
    Path model = dir.resolve("tree.blm");
    CommandLineRun train =
        CommandLineRun.of(
            "train",
            "--pipeline",
            "decision-tree=3",
            "--input",
            IRIS,
            "--label",
            "species",
            "--model",
            model.toString(),
            "--quiet",
            "--runner=DirectRunner");
    assertEquals(0, train.code(), train.err());
    LocalPredictor local = LocalPredictor.load(model);
    Schema schema = ((PipelineModel) local.model()).inputSchema();
    int correct = 0;
    for (CSVRecord f : csv(Path.of(IRIS)).subList(1, 151)) {
      Row in =
          Row.withSchema(schema)
              .addValues(
                  Double.parseDouble(f.get(0)),
                  Double.parseDouble(f.get(1)),
                  Double.parseDouble(f.get(2)),
                  Double.parseDouble(f.get(3)),
                  f.get(4))
              .build();
      correct += local.predict(in).getString("prediction").equals(f.get(4)) ? 1 : 0;
    }
    assertEquals(146, correct, "training accuracy of scikit-learn's depth-3 tree");
  }

  /**
   * {@code gmm=3}, {@code bisecting-kmeans=3} and {@code lda=2} (iris's measurements taken as
   * counts) train as the pipeline's model without a label; the LocalPredictor scores iris with each
   * file: a component and membership probabilities summing to 1, one of at most three clusters, or
   * a distribution over two topics.
   */
  @Test
  void trainsClusteringStagesTheLocalPredictorScoresWith() throws IOException {
    for (String stage : List.of("standard-scaler,gmm=3", "bisecting-kmeans=3", "lda=2")) {
      Path model = dir.resolve(stage.replace(',', '-').replace('=', '-') + ".blm");
      CommandLineRun train =
          CommandLineRun.of(
              "train",
              "--pipeline",
              stage,
              "--input",
              IRIS,
              "--model",
              model.toString(),
              "--quiet",
              "--runner=DirectRunner");
      assertEquals(0, train.code(), train.err());
      LocalPredictor local = LocalPredictor.load(model);
      Schema schema = ((PipelineModel) local.model()).inputSchema();
      for (CSVRecord f : csv(Path.of(IRIS)).subList(1, 151)) {
        Row in =
            Row.withSchema(schema)
                .addValues(
                    Double.parseDouble(f.get(0)),
                    Double.parseDouble(f.get(1)),
                    Double.parseDouble(f.get(2)),
                    Double.parseDouble(f.get(3)),
                    f.get(4))
                .build();
        Row out = local.predict(in);
        if (stage.equals("lda=2")) {
          double[] theta = out.getLogicalTypeValue("topicDistribution", Vector.class).toArray();
          assertEquals(2, theta.length, stage);
          assertEquals(1.0, Arrays.stream(theta).sum(), 1e-9, stage);
          continue;
        }
        int cluster = out.getInt32("prediction");
        assertTrue(cluster >= 0 && cluster < 3, stage + ": cluster " + cluster);
        if (stage.contains("gmm")) {
          double[] p = out.getLogicalTypeValue("probability", Vector.class).toArray();
          assertEquals(1.0, Arrays.stream(p).sum(), 1e-9, stage);
        }
      }
    }
  }

  /**
   * {@code dbscan} with {@code --eps 0.45 --min-points 5} on raw iris: scikit-learn 1.2.1's {@code
   * DBSCAN(eps=0.45, min_samples=5)} finds 2 clusters and 24 noise points (eps chosen away from the
   * squared distances k/100 the one-decimal data has, so no distance ties with eps); the
   * LocalPredictor on the file gives the same.
   */
  @Test
  void trainsADbscanStageWithEpsAndMinPoints() throws IOException {
    Path model = dir.resolve("dbscan.blm");
    CommandLineRun train =
        CommandLineRun.of(
            "train",
            "--pipeline",
            "dbscan",
            "--eps",
            "0.45",
            "--min-points",
            "5",
            "--input",
            IRIS,
            "--model",
            model.toString(),
            "--quiet",
            "--runner=DirectRunner");
    assertEquals(0, train.code(), train.err());
    LocalPredictor local = LocalPredictor.load(model);
    Schema schema = ((PipelineModel) local.model()).inputSchema();
    int noise = 0;
    java.util.Set<Integer> clusters = new java.util.TreeSet<>();
    for (CSVRecord f : csv(Path.of(IRIS)).subList(1, 151)) {
      Row in =
          Row.withSchema(schema)
              .addValues(
                  Double.parseDouble(f.get(0)),
                  Double.parseDouble(f.get(1)),
                  Double.parseDouble(f.get(2)),
                  Double.parseDouble(f.get(3)),
                  f.get(4))
              .build();
      int cluster = local.predict(in).getInt32("prediction");
      if (cluster < 0) {
        noise++;
      } else {
        clusters.add(cluster);
      }
    }
    assertEquals(24, noise);
    assertEquals(java.util.Set.of(0, 1), clusters);
    CommandLineRun numbered =
        CommandLineRun.of(
            "train", "--pipeline", "dbscan=3", "--input", IRIS, "--model", model.toString());
    assertTrue(numbered.err().contains("The stage 'dbscan' takes no number"), numbered.err());
  }

  @Test
  void predictSendsRowsItCannotScoreToTheFailuresFile() throws IOException {
    Path model = files.path("iris.blm");
    succeeds("train", "--pipeline", "kmeans=3", "--input", IRIS, "--model", model.toString(), "-q");
    List<String> iris = Files.readAllLines(Path.of(IRIS));
    Path input =
        files.write(
            "bad.csv", List.of(iris.get(0), iris.get(1), "5.0,,1.4,0.2,setosa", iris.get(2)));
    Path out = files.path("scored.csv");
    Path failures = files.path("failures.csv");
    CommandLineRun predict =
        predict(
            model, input.toString(), out, "--failures", failures.toString(), "--json", "--quiet");
    assertEquals(0, predict.code(), predict.err());
    assertTrue(predict.out().contains("\"rowsScored\":2"), predict.out());
    assertTrue(predict.out().contains("\"rowsFailed\":1"), predict.out());
    List<CSVRecord> failed = csv(failures);
    assertEquals(2, failed.size());
    assertEquals(List.of("file", "line", "error", "text"), failed.get(0).toList());
    assertTrue(failed.get(1).get(2).contains("is null in row"), failed.get(1).toString());
    assertEquals(3, csv(out).size());
  }

  @Test
  void saysWhichStageIsUnknown() {
    CommandLineRun run =
        direct(
            "train",
            "--pipeline",
            "standard-scalar,logreg",
            "--input",
            IRIS,
            "--label",
            "species",
            "--model",
            files.path("m.blm").toString());
    assertEquals(1, run.code());
    assertTrue(run.err().contains("Unknown pipeline stage 'standard-scalar'"), run.err());
  }

  private static final String BREAST_CANCER =
      Path.of("../transforms/src/test/resources/linear/breast_cancer.csv")
          .toAbsolutePath()
          .normalize()
          .toString();

  /**
   * Before: picocli took 'logreg' for the {@code train logreg} subcommand ("Expected parameter for
   * option '--pipeline' but found 'logreg'").
   */
  @Test
  void trainsAPipelineOfJustTheModelNamedLikeASubcommand() throws IOException {
    Path model = files.path("logreg.blm");
    CommandLineRun run =
        succeeds(
            "train",
            "--pipeline",
            "logreg",
            "--input",
            BREAST_CANCER,
            "--label",
            "label",
            "--features",
            "f0,f1,f2",
            "--model",
            model.toString(),
            "--json",
            "-q");
    assertTrue(run.out().contains("\"stages\":1"), run.out());
    assertEquals(1, ModelFile.read(model, PipelineModel.class).stages().size());
  }

  /**
   * Before: the pipeline was fitted, then writing the model failed. The input here would fail the
   * fit, so the message shows the check comes first.
   */
  @Test
  void refusesAModelPathThatIsADirectoryBeforeTraining() throws IOException {
    Path input = files.write("empty-label.csv", "x,label\n1,\n2,\n");
    CommandLineRun run =
        direct(
            "train",
            "--pipeline",
            "logreg",
            "--input",
            input.toString(),
            "--label",
            "label",
            "--model",
            dir.toString());
    assertEquals(1, run.code());
    assertThat(run.err(), containsString("train: error: --model " + dir + " is a directory"));
  }

  /**
   * A pipeline without a model stage is a feature pipeline (as in Spark ML): it trains without a
   * label, and predict writes the features it computes. Before: help said a model must come last,
   * yet training took it and predict reported rows "scored" with no prediction column.
   */
  @Test
  void aFeaturePipelineTrainsWithoutALabelAndPredictAddsItsFeatures() throws IOException {
    Path model = files.path("features.blm");
    CommandLineRun train =
        succeeds(
            "train",
            "--pipeline",
            "standard-scaler",
            "--input",
            IRIS,
            "--model",
            model.toString(),
            "-q");
    assertThat(train.out(), containsString("(2 stages; no model stage: a feature pipeline)"));
    Path out = files.path("features.csv");
    CommandLineRun predict = predict(model, IRIS, out, "-q");
    assertEquals(0, predict.code(), predict.err());
    assertThat(
        predict.out(),
        containsString(
            "150 rows written to "
                + out
                + " with the model's columns features_0,"
                + " features_1"));
    List<CSVRecord> lines = csv(out);
    assertEquals(
        List.of(
            "sepal_length",
            "sepal_width",
            "petal_length",
            "petal_width",
            "species",
            "features_0",
            "features_1"),
        lines.get(0).toList());
    assertEquals("[5.1, 3.5, 1.4, 0.2]", lines.get(1).get(5));
  }

  @Test
  void helpSaysTheModelStageIsOptional() {
    CommandLineRun run = CommandLineRun.of("train", "--help");
    assertEquals(0, run.code(), run.err());
    // The help is wrapped to the terminal's width: compare its words, not its lines.
    String help = run.out().replaceAll("\\s+", " ");
    assertThat(help, containsString("then optionally one model"));
    assertThat(help, containsString("gmm=K, bisecting-kmeans=K, lda=K or dbscan"));
    assertThat(help, containsString("--min-points"));
    assertThat(help, containsString("Without a model it is a feature pipeline"));
  }

  private static final String INSTEVAL =
      Path.of("../transforms/src/test/resources/recommendation/insteval_slice.csv")
          .toAbsolutePath()
          .normalize()
          .toString();

  /**
   * Each recommender trains on real ratings (the committed InstEval slice: students s rate
   * lecturers d with y, 1-5) through --user-col, --item-col and --rating-col on embedded Flink (the
   * DirectRunner takes minutes over the 11,073 ratings), into a pipeline model file of one stage of
   * its type; recommend reads the file and prints the top 5 of student 1 as the file's own model
   * lists them (unseen ones for the neighbourhood models).
   */
  @Test
  void trainsRecommendersWhoseFilesRecommendReads() throws IOException {
    String[][] cases = {
      {"als=4", "als-model", "--rating-col", "y", "--max-iter", "3", "--l2", "0.3"},
      {"item-cf=20", "neighbourhood-model", "--rating-col", "y"},
      {"user-cf", "neighbourhood-model", "--rating-col", "y"},
      {"swing=20", "neighbourhood-model"},
    };
    for (String[] c : cases) {
      Path model = dir.resolve(c[0] + ".blm");
      List<String> args =
          new ArrayList<>(
              List.of(
                  "train",
                  "--pipeline",
                  c[0],
                  "--input",
                  INSTEVAL,
                  "--user-col",
                  "s",
                  "--item-col",
                  "d",
                  "--model",
                  model.toString(),
                  "--quiet",
                  "--flinkMaster=[auto]",
                  "--parallelism=2"));
      args.addAll(Arrays.asList(c).subList(2, c.length));
      CommandLineRun train = CommandLineRun.of(args.toArray(new String[0]));
      assertEquals(0, train.code(), c[0] + ": " + train.err());
      PipelineModel fitted = ModelFile.read(model, PipelineModel.class);
      assertEquals(1, fitted.stages().size(), c[0]);
      Transformer stage = fitted.stages().get(0);
      assertEquals(c[1], ModelFormats.forModel(stage).type(), c[0]);
      boolean als = stage instanceof AlsModel;
      List<Recommendation> expected =
          als
              ? ((AlsModel) stage).recommendItems(1, 5, Set.of())
              : ((NeighbourhoodModel) stage).recommendItems(1, 5, true);
      assertEquals(5, expected.size(), c[0]);
      List<String> recommendArgs =
          new ArrayList<>(List.of("recommend", "-m", model.toString(), "-u", "1", "-k", "5"));
      if (!als) {
        recommendArgs.add("--exclude-seen");
      }
      recommendArgs.add("--json");
      CommandLineRun recommend = CommandLineRun.of(recommendArgs.toArray(new String[0]));
      assertEquals(0, recommend.code(), c[0] + ": " + recommend.err());
      StringBuilder items = new StringBuilder();
      for (Recommendation r : expected) {
        items.append(items.length() == 0 ? "" : ",");
        items.append("{\"item\":").append(r.id()).append(",\"score\":").append(r.rating());
        items.append('}');
      }
      assertEquals(
          "{\"user\":1,\"k\":5,\"recommendations\":[" + items + "]}\n", recommend.out(), c[0]);
    }
  }

  /** A recommender takes no other stage, and Swing no rating column. */
  @Test
  void refusesARecommenderWithFeatureStagesOrSwingWithRatings() {
    CommandLineRun mixed =
        direct(
            "train",
            "--pipeline",
            "impute,als",
            "--input",
            INSTEVAL,
            "--model",
            files.path("m.blm").toString());
    assertEquals(1, mixed.code());
    assertTrue(
        mixed.err().contains("The recommender stage 'als' reads the user, item and rating columns"),
        mixed.err());
    CommandLineRun swing =
        direct(
            "train",
            "--pipeline",
            "swing",
            "--input",
            INSTEVAL,
            "--user-col",
            "s",
            "--item-col",
            "d",
            "--rating-col",
            "y",
            "--model",
            files.path("m.blm").toString());
    assertEquals(1, swing.code());
    assertTrue(
        swing.err().contains("swing counts interactions and takes no --rating-col"), swing.err());
  }
}
