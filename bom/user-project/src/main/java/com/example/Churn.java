package com.example;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.pipeline.LocalPredictor;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.runners.RunnerOptions;
import org.beamlink.transforms.classification.LogisticRegression;
import org.beamlink.transforms.evaluation.BinaryClassificationEvaluation;
import org.beamlink.transforms.evaluation.BinaryMetrics;
import org.beamlink.transforms.evaluation.RandomSplit;
import org.beamlink.transforms.feature.OneHotEncoder;
import org.beamlink.transforms.feature.StandardScaler;
import org.beamlink.transforms.feature.VectorAssembler;
import org.beamlink.transforms.io.ReadCsv;
import org.beamlink.transforms.pipeline.MlPipeline;
import org.beamlink.transforms.pipeline.SingletonResult;
import org.beamlink.transforms.pipeline.WriteModel;

/**
 * A user's program: reads a CSV of customers, splits it 80/20, fits one-hot encoding, assembling,
 * scaling and a logistic regression on the 80%, writes the model file, evaluates on the 20% and
 * prints the metrics, then scores one customer with a LocalPredictor on the saved file.
 *
 * <pre>{@code
 * java -cp ... com.example.Churn customers.csv churn.blm [--runner=DirectRunner ...]
 * }</pre>
 */
public final class Churn {
  private Churn() {}

  public static void main(String[] args) throws Exception {
    String csv = args[0];
    String modelFile = args[1];
    PipelineOptions options = RunnerOptions.fromArgs(Arrays.copyOfRange(args, 2, args.length));
    Pipeline p = Pipeline.create(options);

    PCollection<Row> rows = p.apply(ReadCsv.from(csv));
    PCollectionList<Row> parts = rows.apply(RandomSplit.of(0.8, 0.2).withSeed(42));
    MlPipeline pipeline =
        MlPipeline.of(
            OneHotEncoder.fit().withInputCols("plan", "city").withOutputCols("planVec", "cityVec"),
            VectorAssembler.of("age", "income", "planVec", "cityVec").withOutputCol("raw"),
            StandardScaler.fit().withInputCol("raw").withOutputCol("features"),
            LogisticRegression.fit()
                .withVectorCol("features")
                .withLabelCol("churned")
                .withL2(1e-3)
                .withProbabilityCol("probability"));
    PCollection<PipelineModel> model = parts.get(0).apply(pipeline.fit());
    model.apply(WriteModel.to(modelFile));
    PCollection<BinaryMetrics> metrics =
        parts
            .get(1)
            .apply(MlPipeline.transform(model))
            .apply(BinaryClassificationEvaluation.of("churned", "probability"));
    SingletonResult<BinaryMetrics> result = SingletonResult.of(metrics);

    long start = System.nanoTime();
    p.run().waitUntilFinish();
    BinaryMetrics m = result.get();
    System.out.printf(
        "test rows %d, AUC %.4f, log loss %.4f, accuracy %.4f; pipeline %.1f s on %s%n",
        m.count(),
        m.auc(),
        m.logLoss(),
        m.accuracy(),
        (System.nanoTime() - start) / 1e9,
        options.getRunner().getSimpleName());

    LocalPredictor predictor = LocalPredictor.load(Path.of(modelFile));
    Row scored =
        predictor.predict(Map.of("age", 70, "income", 30000, "plan", "basic", "city", "Lima"));
    System.out.printf(
        "LocalPredictor reads %s; P(churn | 70, 30000, basic, Lima) = %.4f%n",
        predictor.inputSchema().getFieldNames(), scored.getDouble("probability"));
  }
}
