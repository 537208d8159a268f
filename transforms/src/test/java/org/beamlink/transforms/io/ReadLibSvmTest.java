package org.beamlink.transforms.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadLibSvmTest {
  @TempDir Path dir;

  /** Labels and vectors of size 6 (coordinate 5 is used), one without any stored coordinate. */
  private static final double[] LABELS = {1.0, -1.0, 0.5, 2.0};

  private static final Vector[] FEATURES = {
    Vector.sparse(6, new int[] {0, 2}, new double[] {1.5, -2.0}),
    Vector.sparse(6, new int[] {5}, new double[] {3e-7}),
    Vector.sparse(6, new int[] {}, new double[] {}),
    Vector.sparse(6, new int[] {1, 3, 4}, new double[] {1.0, 0.25, 1e10})
  };

  /** Writes rows in LibSVM format, the way a LibSVM writer would: 1-based indices. */
  private String writeLibSvm(String name, double[] labels, Vector[] features) throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < labels.length; i++) {
      text.append(labels[i]);
      SparseVector v = features[i].toSparse();
      for (int k = 0; k < v.numStored(); k++) {
        text.append(' ').append(v.indexAt(k) + 1).append(':').append(v.valueAt(k));
      }
      text.append('\n');
    }
    return write(name, text.toString());
  }

  private String write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file.toString();
  }

  private static Row row(double label, Vector features) {
    return Row.withSchema(ReadLibSvm.SCHEMA).addValues(label, features).build();
  }

  @BoundedRunnerTest
  void roundTripsWithInferredNumFeatures(TestRunner runner) throws IOException {
    String file = writeLibSvm("data.svm", LABELS, FEATURES);
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(ReadLibSvm.from(file));
    assertEquals(ReadLibSvm.SCHEMA, rows.getSchema());
    PAssert.that(rows)
        .containsInAnyOrder(
            row(LABELS[0], FEATURES[0]),
            row(LABELS[1], FEATURES[1]),
            row(LABELS[2], FEATURES[2]),
            row(LABELS[3], FEATURES[3]));
    runner.run(p);
  }

  @BoundedRunnerTest
  void inferredNumFeaturesIsTheLargestIndexOverAllFiles(TestRunner runner) throws IOException {
    write("a.svm", "1 1:1\n");
    write("b.svm", "0 3:2\n");
    Pipeline p = runner.create();
    PAssert.that(p.apply(ReadLibSvm.from(dir.resolve("*.svm").toString())))
        .containsInAnyOrder(
            row(1, Vector.sparse(3, new int[] {0}, new double[] {1})),
            row(0, Vector.sparse(3, new int[] {2}, new double[] {2})));
    runner.run(p);
  }

  @BoundedRunnerTest
  void roundTripsWithGivenNumFeatures(TestRunner runner) throws IOException {
    String file = writeLibSvm("data.svm", LABELS, FEATURES);
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(ReadLibSvm.from(file).withNumFeatures(10));
    List<Row> expected = new ArrayList<>();
    for (int i = 0; i < LABELS.length; i++) {
      SparseVector v = FEATURES[i].toSparse();
      expected.add(row(LABELS[i], Vector.sparse(10, v.indices(), v.values())));
    }
    PAssert.that(rows).containsInAnyOrder(expected);
    runner.run(p);
  }

  @BoundedRunnerTest
  void skipsCommentsAndBlankLines(TestRunner runner) throws IOException {
    String file = write("comments.svm", "# a header comment\n\n+1 2:4 # trailing comment\n  \n");
    Pipeline p = runner.create();
    PAssert.that(p.apply(ReadLibSvm.from(file)))
        .containsInAnyOrder(row(1, Vector.sparse(2, new int[] {1}, new double[] {4})));
    runner.run(p);
  }

  @BoundedRunnerTest
  void readsAnEmptyFileAsNoRows(TestRunner runner) throws IOException {
    String file = write("empty.svm", "");
    Pipeline p = runner.create();
    PAssert.that(p.apply(ReadLibSvm.from(file))).empty();
    runner.run(p);
  }

  @BoundedRunnerTest
  void failsOnIndexZeroNamingFileAndLine(TestRunner runner) throws IOException {
    String file = write("zero.svm", "1 1:2\n0 0:1 2:3\n");
    Pipeline p = runner.create();
    p.apply(ReadLibSvm.from(file));
    Throwable e = assertThrows(Throwable.class, () -> runner.run(p));
    assertThat(
        ReadCsvTest.messages(e),
        containsString("zero.svm, line 2: item '0:1' has index 0; LibSVM indices start at 1"));
  }

  @BoundedRunnerTest
  void refusesNonFiniteLabelsAndValuesNamingFileAndLine(TestRunner runner) throws IOException {
    String file = write("nan.svm", "1 1:2\n0 2:NaN\n1 1:1\n");
    Pipeline p = runner.create();
    p.apply(ReadLibSvm.from(file));
    Throwable e = assertThrows(Throwable.class, () -> runner.run(p));
    assertThat(
        ReadCsvTest.messages(e),
        containsString(
            "nan.svm, line 2: item '2:NaN' has value 'NaN'; expected a finite number (LibSVM has"
                + " no missing values)"));
    String label = write("inf.svm", "inf 1:2\n");
    Pipeline q = runner.create();
    q.apply(ReadLibSvm.from(label));
    Throwable f = assertThrows(Throwable.class, () -> runner.run(q));
    assertThat(
        ReadCsvTest.messages(f),
        containsString("inf.svm, line 1: label 'inf' is not a finite number"));
  }

  @BoundedRunnerTest
  void keepsMalformedLinesInTheFailureOutputAndReadsTheRest(TestRunner runner) throws IOException {
    String file =
        write(
            "mixed.svm",
            String.join(
                "\n",
                "1 1:1 3:3",
                "x 1:1",
                "1 0:1",
                "1 3:1 2:2",
                "1 2:1 2:2",
                "1 2:abc",
                "1 2",
                "1 z:1",
                "1 5:1",
                "0 4:4",
                ""));
    Pipeline p = runner.create();
    ReadResult result = p.apply(ReadLibSvm.from(file).withNumFeatures(4).withFailuresOutput());
    PAssert.that(result.getRows())
        .containsInAnyOrder(
            row(1, Vector.sparse(4, new int[] {0, 2}, new double[] {1, 3})),
            row(0, Vector.sparse(4, new int[] {3}, new double[] {4})));
    PAssert.that(result.getFailures())
        .satisfies(
            failures -> {
              List<Row> sorted = new ArrayList<>();
              StreamSupport.stream(failures.spliterator(), false).forEach(sorted::add);
              sorted.sort(Comparator.comparingLong(r -> r.getInt64("line")));
              assertEquals(8, sorted.size(), sorted.toString());
              String[] errors = {
                "label 'x' is not a number",
                "has index 0; LibSVM indices start at 1",
                "has index 2 after index 3; expected increasing indices",
                "has index 2 after index 2; expected increasing indices",
                "has value 'abc'; expected a number",
                "item '2' is not index:value",
                "has index 'z'; expected an integer",
                "has index 5 > numFeatures 4"
              };
              for (int i = 0; i < errors.length; i++) {
                Row failure = sorted.get(i);
                assertEquals(file, failure.getString("file"));
                assertEquals(i + 2, failure.getInt64("line"));
                assertThat(failure.getString("error"), containsString(errors[i]));
              }
              assertEquals("1 3:1 2:2", sorted.get(2).getString("text"));
              return null;
            });
    runner.run(p);
  }

  @Test
  void rejectsNumFeaturesBelowOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReadLibSvm.from("x").withNumFeatures(0));
    assertEquals("Expected numFeatures >= 1, got 0", e.getMessage());
  }
}
