package org.beamlink.examples.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.beamlink.models.io.ModelFile;
import org.beamlink.models.pipeline.PipelineModel;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.recommendation.AlsModel;
import org.beamlink.models.recommendation.NeighbourhoodModel;
import org.beamlink.models.recommendation.Recommendation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code beamlink recommend}: the top {@code k} items of one user from a recommendation model file
 * ({@code als-model}, or {@code neighbourhood-model} from ItemCF, UserCF or Swing, or a pipeline
 * model whose last recommender stage is one, as {@code beamlink train --pipeline als} writes), read
 * in this process without a pipeline, best first. A user the model never saw gets an empty list.
 *
 * <pre>{@code
 * bin/beamlink train --pipeline item-cf --input ratings.csv --rating-col stars --model itemcf.blm
 * bin/beamlink recommend --model itemcf.blm --user 42 --k 10 --exclude-seen
 * bin/beamlink recommend --model als.blm --user 42 --json
 * }</pre>
 */
@Command(
    name = "recommend",
    description =
        "The top items of one user from a recommendation model file (ALS, ItemCF, UserCF, Swing).")
final class RecommendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin OutputOptions output;

  @Option(
      names = {"-m", "--model"},
      required = true,
      paramLabel = "FILE",
      description =
          "A model file of type als-model or neighbourhood-model, or a pipeline with one (as"
              + " train --pipeline als|item-cf|user-cf|swing writes).")
  Path model;

  @Option(
      names = {"-u", "--user"},
      required = true,
      paramLabel = "ID",
      description = "The user's id.")
  long user;

  @Option(
      names = {"-k", "--k"},
      defaultValue = "10",
      paramLabel = "K",
      description = "How many items; default ${DEFAULT-VALUE}.")
  int k;

  @Option(
      names = "--exclude-seen",
      description =
          "Leave out the items the user interacted with in training (neighbourhood models only:"
              + " an ALS model does not keep the ratings).")
  boolean excludeSeen;

  /** The last recommender stage of a pipeline model, or {@code loaded} itself. */
  private static Object recommender(Object loaded) {
    if (loaded instanceof PipelineModel pipeline) {
      List<Transformer> stages = pipeline.stages();
      for (int s = stages.size() - 1; s >= 0; s--) {
        if (stages.get(s) instanceof AlsModel || stages.get(s) instanceof NeighbourhoodModel) {
          return stages.get(s);
        }
      }
    }
    return loaded;
  }

  @Override
  public Integer call() throws IOException {
    if (k < 1) {
      throw new ParameterException(spec.commandLine(), "Expected --k >= 1, got " + k);
    }
    Object loaded = recommender(ModelFile.read(model));
    List<Recommendation> top;
    if (loaded instanceof NeighbourhoodModel m) {
      top = m.recommendItems(user, k, excludeSeen);
    } else if (loaded instanceof AlsModel m) {
      if (excludeSeen) {
        throw new ParameterException(
            spec.commandLine(),
            "--exclude-seen needs the user's ratings, which the ALS model "
                + model
                + " does not keep");
      }
      top = m.recommendItems(user, k, Set.of());
    } else {
      throw new ParameterException(
          spec.commandLine(),
          model
              + " holds a "
              + loaded.getClass().getSimpleName()
              + ", not a recommendation model (als-model or neighbourhood-model, or a pipeline"
              + " with one)");
    }
    StringBuilder table = new StringBuilder();
    if (top.isEmpty()) {
      table.append("No recommendations for user ").append(user).append('\n');
    } else {
      table.append(String.format("%4s  %12s  %14s%n", "rank", "item", "score"));
    }
    List<JsonObject> items = new ArrayList<>();
    for (int r = 0; r < top.size(); r++) {
      Recommendation rec = top.get(r);
      table.append(String.format("%4d  %12d  %14.6g%n", r + 1, rec.id(), rec.rating()));
      items.add(new JsonObject().put("item", rec.id()).put("score", rec.rating()));
    }
    output.print(
        spec.commandLine().getOut(),
        table.toString(),
        new JsonObject().put("user", user).put("k", k).put("recommendations", items));
    return 0;
  }
}
