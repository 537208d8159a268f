package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.CategoricalTestSupport.assertRoundTrips;
import static org.beamlink.transforms.feature.CategoricalTestSupport.reference;
import static org.beamlink.transforms.feature.CategoricalTestSupport.strings;
import static org.beamlink.transforms.linear.LinearTestSupport.rootMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.beamlink.models.feature.HandleInvalid;
import org.beamlink.models.feature.OneHotEncoderModel;
import org.beamlink.models.feature.SkippingBound;
import org.beamlink.models.feature.StringIndexerModel;
import org.beamlink.models.feature.StringOrderType;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.BoundedRunnerTest;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.runners.testing.UnboundedRunnerTest;
import org.beamlink.transforms.clustering.TestData;
import org.beamlink.transforms.linear.LinearTestSupport;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * StringIndexer: label orders against Spark 3's documented rule (computed by {@code
 * categorical_reference.py}: counts, ties alphabetical), invalid values, the coder, and fits on the
 * DirectRunner and FlinkRunner; a fitted indexer (and one-hot encoder) scoring a stream.
 */
class StringIndexerTest {
  private static final Schema COLOR =
      Schema.builder().addNullableField("color", Schema.FieldType.STRING).build();
  private static final Schema COLOR_AND_SIZE =
      Schema.builder()
          .addNullableField("color", Schema.FieldType.STRING)
          .addNullableField("size", Schema.FieldType.INT32)
          .build();

  private static Row color(String c) {
    return Row.withSchema(COLOR).addValue(c).build();
  }

  private static StringIndexerModel colorModel(HandleInvalid handleInvalid) {
    return StringIndexerModel.of(
        List.of("color"),
        List.of("colorIndex"),
        List.of(List.of("red", "blue")),
        StringOrderType.FREQUENCY_DESC,
        handleInvalid);
  }

  /** a x3, b x2, c x2, d x1: the four orders, with Spark 3's alphabetical ties. */
  @Test
  void ordersLabelsAsSparkWithAlphabeticalTies() {
    Map<String, Long> counts = new HashMap<>(Map.of("c", 2L, "a", 3L, "b", 2L, "d", 1L));
    Map<StringOrderType, List<String>> expected =
        Map.of(
            StringOrderType.FREQUENCY_DESC, List.of("a", "b", "c", "d"),
            StringOrderType.FREQUENCY_ASC, List.of("d", "b", "c", "a"),
            StringOrderType.ALPHABET_DESC, List.of("d", "c", "b", "a"),
            StringOrderType.ALPHABET_ASC, List.of("a", "b", "c", "d"));
    expected.forEach(
        (order, labels) ->
            assertEquals(
                labels,
                StringIndexerModel.fromCounts(
                        List.of("x"), List.of("y"), List.of(counts), order, HandleInvalid.ERROR)
                    .labels("x"),
                order.toString()));
  }

  @Test
  void mapsLabelsToDoubleIndices() {
    Transformer.Bound bound = colorModel(HandleInvalid.ERROR).bind(COLOR);
    assertEquals(Schema.FieldType.DOUBLE, bound.outputSchema().getField("colorIndex").getType());
    assertEquals(0.0, bound.apply(color("red")).getDouble("colorIndex"));
    assertEquals(1.0, bound.apply(color("blue")).getDouble("colorIndex"));
  }

  @Test
  void rejectsUnseenNullAndNaNNamingColumnAndValue() {
    Transformer.Bound bound = colorModel(HandleInvalid.ERROR).bind(COLOR);
    String unseen =
        assertThrows(IllegalArgumentException.class, () -> bound.apply(color("green")))
            .getMessage();
    assertTrue(unseen.contains("'color'") && unseen.contains("'green'"), unseen);
    String nul =
        assertThrows(IllegalArgumentException.class, () -> bound.apply(color(null))).getMessage();
    assertTrue(nul.contains("'color' is null"), nul);
    Schema d = Schema.builder().addDoubleField("x").build();
    StringIndexerModel numeric =
        StringIndexerModel.of(
            List.of("x"),
            List.of("xi"),
            List.of(List.of("1.0")),
            StringOrderType.FREQUENCY_DESC,
            HandleInvalid.ERROR);
    String nan =
        assertThrows(
                IllegalArgumentException.class,
                () -> numeric.bind(d).apply(Row.withSchema(d).addValue(Double.NaN).build()))
            .getMessage();
    assertTrue(nan.contains("'x' is NaN"), nan);
  }

  @Test
  void keepGivesNumLabelsToInvalidValues() {
    Transformer.Bound bound = colorModel(HandleInvalid.KEEP).bind(COLOR);
    assertEquals(2.0, bound.apply(color("green")).getDouble("colorIndex"));
    assertEquals(2.0, bound.apply(color(null)).getDouble("colorIndex"));
  }

  /** A bound stage cannot drop a row: skip fails it in apply, and only applyOrSkip drops it. */
  @Test
  void skipDropsOnlyThroughApplyOrSkip() {
    SkippingBound bound = colorModel(HandleInvalid.SKIP).bind(COLOR);
    assertNull(bound.applyOrSkip(color("green")));
    assertEquals(1.0, bound.applyOrSkip(color("blue")).getDouble("colorIndex"));
    String message =
        assertThrows(IllegalArgumentException.class, () -> bound.apply(color("green")))
            .getMessage();
    assertTrue(message.contains("cannot drop rows"), message);
  }

  /** Numbers are indexed by their string form, as Spark casts them: INT32 3 is label "3". */
  @Test
  void indexesNumbersByTheirStringForm() {
    Schema ints = Schema.builder().addInt32Field("n").build();
    StringIndexerModel m =
        StringIndexerModel.of(
            List.of("n"),
            List.of("ni"),
            List.of(List.of("3", "10")),
            StringOrderType.FREQUENCY_DESC,
            HandleInvalid.ERROR);
    assertEquals(1.0, m.bind(ints).apply(Row.withSchema(ints).addValue(10).build()).getDouble(1));
  }

  @Test
  void rejectsMissingColumnsAndTakenOutputColumnsAtConstruction() {
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> rows = p.apply(Create.of(color("red")).withRowSchema(COLOR));
    String missing =
        assertThrows(
                IllegalArgumentException.class,
                () -> rows.apply(StringIndexer.fit().withInputCols("colour").withOutputCols("i")))
            .getMessage();
    assertTrue(missing.contains("'colour' not found"), missing);
    assertThrows(
        IllegalArgumentException.class,
        () -> rows.apply(StringIndexer.fit().withInputCols("color").withOutputCols("color")));
    assertThrows(
        IllegalArgumentException.class,
        () -> rows.apply(StringIndexer.fit().withInputCols("color").withOutputCols("a", "b")));
    assertThrows(
        IllegalArgumentException.class,
        () -> StringIndexer.fit().withHandleInvalid(HandleInvalid.IGNORE));
  }

  @Test
  void failsOnEmptyInput() {
    Pipeline p = TestRunner.DIRECT.create();
    p.apply(Create.empty(COLOR).withRowSchema(COLOR))
        .apply(StringIndexer.fit().withInputCols("color").withOutputCols("i"));
    Exception e = assertThrows(Exception.class, () -> TestRunner.DIRECT.run(p));
    assertEquals("StringIndexer: no rows to fit on", rootMessage(e));
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        colorModel(HandleInvalid.KEEP), StringIndexerModel.Coder.of(), "string-indexer-model");
  }

  /** Iris species (50 each: ties, so alphabetical in both frequency orders), every order. */
  @Test
  void fitsIrisSpeciesInEveryOrder() {
    JsonNode ref = reference("string_indexer").get("iris_species");
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> iris = p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS));
    String[] names = {"frequencyDesc", "frequencyAsc", "alphabetDesc", "alphabetAsc"};
    for (StringOrderType order : StringOrderType.values()) {
      List<String> expected = strings(ref.get(order.paramValue()));
      assertEquals(names[order.ordinal()], order.paramValue());
      PAssert.thatSingleton(
              order.toString(),
              iris.apply(
                  order.toString(),
                  StringIndexer.fit()
                      .withInputCols("species")
                      .withOutputCols("label")
                      .withStringOrderType(order)))
          .satisfies(
              m -> {
                assertEquals(expected, m.labels("species"));
                return null;
              });
    }
    TestRunner.DIRECT.run(p);
  }

  /**
   * Digits labels (counts 174..183) fitted on both runners: frequencyDesc as Spark orders them, and
   * the indexed rows carry each label's index.
   */
  @BoundedRunnerTest
  void fitsDigitsLabelsAsSparkOrdersThem(TestRunner runner) {
    List<String> expected =
        strings(reference("string_indexer").get("digits_label").get("frequencyDesc"));
    List<Row> digits = LinearTestSupport.csv("digits.csv", Schema.FieldType.STRING);
    Pipeline p = runner.create();
    PCollection<Row> rows = p.apply(Create.of(digits).withRowSchema(digits.get(0).getSchema()));
    PCollection<StringIndexerModel> model =
        rows.apply(StringIndexer.fit().withInputCols("label").withOutputCols("labelIndex"));
    PAssert.thatSingleton(model)
        .satisfies(
            m -> {
              assertEquals(expected, m.labels("label"));
              return null;
            });
    PAssert.that(rows.apply(StringIndexer.transform(model)))
        .satisfies(
            out -> {
              int n = 0;
              for (Row r : out) {
                assertEquals(
                    expected.indexOf(r.getString("label")), r.getDouble("labelIndex"), 0.0);
                n++;
              }
              assertEquals(digits.size(), n);
              return null;
            });
    runner.run(p);
  }

  /** Two columns (STRING and INT32 with nulls), skip: the transform drops invalid rows. */
  @Test
  void skipDropsInvalidRowsInTheTransform() {
    Pipeline p = TestRunner.DIRECT.create();
    List<Row> train = new ArrayList<>();
    for (String c : new String[] {"red", "red", "blue"}) {
      train.add(Row.withSchema(COLOR_AND_SIZE).addValues(c, 1).build());
    }
    train.add(Row.withSchema(COLOR_AND_SIZE).addValues(null, 2).build());
    PCollection<Row> rows = p.apply("Train", Create.of(train).withRowSchema(COLOR_AND_SIZE));
    PCollection<StringIndexerModel> model =
        rows.apply(
            StringIndexer.fit()
                .withInputCols("color", "size")
                .withOutputCols("ci", "si")
                .withHandleInvalid(HandleInvalid.SKIP));
    PCollection<Row> score =
        p.apply(
            "Score",
            Create.of(
                    Row.withSchema(COLOR_AND_SIZE).addValues("blue", 2).build(),
                    Row.withSchema(COLOR_AND_SIZE).addValues("green", 1).build(),
                    Row.withSchema(COLOR_AND_SIZE).addValues("red", null).build(),
                    Row.withSchema(COLOR_AND_SIZE).addValues(null, 1).build())
                .withRowSchema(COLOR_AND_SIZE));
    PAssert.that(score.apply(StringIndexer.transform(model)))
        .satisfies(
            out -> {
              List<Row> kept = new ArrayList<>();
              out.forEach(kept::add);
              assertEquals(1, kept.size());
              // size: 1 seen 3 times, 2 once -> "1" is 0, "2" is 1; color: red 0, blue 1
              assertEquals(1.0, kept.get(0).getDouble("ci"));
              assertEquals(1.0, kept.get(0).getDouble("si"));
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  /**
   * A StringIndexer and a OneHotEncoder fitted on bounded rows index and encode a stream
   * (TestStream; Flink in streaming mode).
   */
  @UnboundedRunnerTest
  void fittedIndexerAndEncoderScoreAStream(TestRunner runner) {
    Pipeline p = runner.create();
    PCollection<Row> train =
        p.apply(
            "Train",
            Create.of(color("red"), color("red"), color("blue"), color("green"))
                .withRowSchema(COLOR));
    PCollection<StringIndexerModel> indexer =
        train.apply(
            "Index",
            StringIndexer.fit()
                .withInputCols("color")
                .withOutputCols("colorIndex")
                .withHandleInvalid(HandleInvalid.KEEP));
    PCollection<OneHotEncoderModel> encoder =
        train.apply(
            "Encode",
            OneHotEncoder.fit()
                .withInputCols("color")
                .withOutputCols("colorVec")
                .withDropLast(false)
                .withHandleInvalid(HandleInvalid.KEEP));
    TestStream<Row> stream =
        TestStream.create(COLOR)
            .addElements(TimestampedValue.of(color("red"), new Instant(0)))
            .advanceWatermarkTo(new Instant(5000))
            .addElements(
                TimestampedValue.of(color("green"), new Instant(6000)),
                TimestampedValue.of(color("purple"), new Instant(7000)))
            .advanceWatermarkToInfinity();
    PCollection<Row> indexed =
        p.apply("Stream", stream)
            .apply("Apply indexer", StringIndexer.transform(indexer))
            .apply("Apply encoder", OneHotEncoder.transform(encoder));
    PAssert.that(indexed)
        .satisfies(
            rows -> {
              // index: red 0 (2 rows), then blue and green tied at 1 -> alphabetical, and
              // unseen purple -> numLabels 3; encoder categories sorted: blue, green, red, and
              // purple -> the keep slot 3
              Map<String, Double> index = Map.of("red", 0.0, "green", 2.0, "purple", 3.0);
              Map<String, Integer> slot = Map.of("red", 2, "green", 1, "purple", 3);
              int n = 0;
              for (Row r : rows) {
                String c = r.getString("color");
                assertEquals(index.get(c), r.getDouble("colorIndex"));
                Vector v = r.getLogicalTypeValue("colorVec", Vector.class);
                assertEquals(4, v.size());
                assertEquals(1.0, v.get(slot.get(c)));
                assertEquals(1, v.numNonzeros());
                n++;
              }
              assertEquals(3, n);
              return null;
            });
    runner.run(p);
  }
}
