package org.beamlink.transforms.feature;

import static org.beamlink.transforms.feature.CategoricalTestSupport.assertRoundTrips;
import static org.beamlink.transforms.feature.CategoricalTestSupport.doubles;
import static org.beamlink.transforms.feature.CategoricalTestSupport.ints;
import static org.beamlink.transforms.feature.CategoricalTestSupport.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.codec.digest.MurmurHash3;
import org.beamlink.models.feature.FeatureHasherMapper;
import org.beamlink.models.linalg.SparseVector;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.runners.testing.TestRunner;
import org.beamlink.transforms.clustering.TestData;
import org.junit.jupiter.api.Test;

/**
 * FeatureHasher against Spark 3's FeatureHasher rule computed in {@code categorical_reference.py}
 * with scikit-learn's {@code murmurhash3_32(positive=False)} (standard MurmurHash3 x86_32, seed 42)
 * on every Iris row. Indices are compared exactly; values too, except where colliding values are
 * summed, to 1e-12 (sums of at most five Iris numbers, in the same order, so in practice exactly).
 */
class FeatureHasherTest {
  private static final String[] IRIS_COLUMNS = {
    "sepal_length", "sepal_width", "petal_length", "petal_width", "species"
  };

  /**
   * commons-codec's hash is the standard MurmurHash3 x86_32: the published vector and sklearn's.
   */
  @Test
  void murmurHashMatchesStandardVectors() {
    byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
    assertEquals(0x248bfa47, MurmurHash3.hash32x86(hello, 0, hello.length, 0));
    for (JsonNode c : reference("murmur3")) {
      byte[] bytes = c.get("text").asText().getBytes(StandardCharsets.UTF_8);
      assertEquals(
          c.get("hash").asInt(),
          MurmurHash3.hash32x86(bytes, 0, bytes.length, c.get("seed").asInt()),
          c.get("text").asText());
    }
  }

  private static void assertHashesIris(FeatureHasherMapper hasher, String refCase) {
    JsonNode ref = reference(refCase);
    Transformer.Bound bound = hasher.bind(TestData.IRIS);
    List<Row> iris = TestData.iris();
    for (int i = 0; i < iris.size(); i++) {
      Vector v = bound.apply(iris.get(i)).getLogicalTypeValue("features", Vector.class);
      SparseVector s = (SparseVector) v;
      assertEquals(hasher.numFeatures(), s.size());
      assertArrayEquals(ints(ref.get(i).get("indices")), s.indices(), "row " + i);
      assertArrayEquals(doubles(ref.get(i).get("values")), s.values(), 1e-12, "row " + i);
    }
  }

  @Test
  void hashesIrisAsSparkWithDefaultNumFeatures() {
    assertHashesIris(FeatureHasher.of(IRIS_COLUMNS).transformer(), "hasher_iris_default");
    assertEquals(262144, FeatureHasher.of("x").transformer().numFeatures());
  }

  /** 16 slots for 5 columns: collisions are summed. */
  @Test
  void sumsCollidingValues() {
    assertHashesIris(
        FeatureHasher.of(IRIS_COLUMNS).withNumFeatures(16).transformer(), "hasher_iris_16");
  }

  @Test
  void hashesNumericCategoricalColumnsAsNameEqualsValue() {
    assertHashesIris(
        FeatureHasher.of(IRIS_COLUMNS)
            .withNumFeatures(64)
            .withCategoricalCols("petal_width")
            .transformer(),
        "hasher_iris_categorical_petal_width_64");
  }

  @Test
  void skipsNullsAndHashesBooleans() {
    Schema schema =
        Schema.builder()
            .addNullableField("x", Schema.FieldType.DOUBLE)
            .addNullableField("b", Schema.FieldType.BOOLEAN)
            .addNullableField("s", Schema.FieldType.STRING)
            .build();
    int n = 1 << 20;
    Transformer.Bound bound =
        FeatureHasherMapper.of(List.of("x", "b", "s"), "features", n, List.of()).bind(schema);
    Vector v =
        bound
            .apply(Row.withSchema(schema).addValues(2.5, true, null).build())
            .getLogicalTypeValue("features", Vector.class);
    assertEquals(2, v.numNonzeros());
    assertEquals(2.5, v.get(FeatureHasherMapper.indexOf("x", n)));
    assertEquals(1.0, v.get(FeatureHasherMapper.indexOf("b=true", n)));
    Vector none =
        bound
            .apply(Row.withSchema(schema).addValues(null, null, null).build())
            .getLogicalTypeValue("features", Vector.class);
    assertEquals(0, none.numNonzeros());
    Vector text =
        bound
            .apply(Row.withSchema(schema).addValues(null, false, "caf\u00e9 \uD83D\uDE00").build())
            .getLogicalTypeValue("features", Vector.class);
    assertEquals(1.0, text.get(FeatureHasherMapper.indexOf("s=caf\u00e9 \uD83D\uDE00", n)));
    assertEquals(1.0, text.get(FeatureHasherMapper.indexOf("b=false", n)));
  }

  /** NaN is added as it is, as Spark does. */
  @Test
  void keepsNaNValues() {
    Schema schema = Schema.builder().addDoubleField("x").build();
    Vector v =
        FeatureHasherMapper.of(List.of("x"), "f", 8, List.of())
            .bind(schema)
            .apply(Row.withSchema(schema).addValue(Double.NaN).build())
            .getLogicalTypeValue("f", Vector.class);
    assertTrue(Double.isNaN(v.get(FeatureHasherMapper.indexOf("x", 8))));
  }

  @Test
  void rejectsBadColumnsAndParameters() {
    Schema schema =
        Schema.builder().addDoubleField("x").addField("v", Schema.FieldType.BYTES).build();
    String missing =
        assertThrows(
                IllegalArgumentException.class,
                () -> FeatureHasher.of("y").transformer().outputSchema(schema))
            .getMessage();
    assertTrue(missing.contains("'y' not found"), missing);
    assertThrows(
        IllegalArgumentException.class,
        () -> FeatureHasher.of("v").transformer().outputSchema(schema));
    assertThrows(IllegalArgumentException.class, () -> FeatureHasher.of("x").withNumFeatures(0));
    assertThrows(
        IllegalArgumentException.class, () -> FeatureHasher.of("x").withCategoricalCols("z"));
  }

  @Test
  void hashesInAPipeline() {
    JsonNode ref = reference("hasher_iris_16");
    Pipeline p = TestRunner.DIRECT.create();
    PCollection<Row> out =
        p.apply(Create.of(TestData.iris()).withRowSchema(TestData.IRIS))
            .apply(FeatureHasher.of(IRIS_COLUMNS).withNumFeatures(16));
    int[] first = ints(ref.get(0).get("indices"));
    PAssert.that(out)
        .satisfies(
            rows -> {
              int n = 0;
              for (Row r : rows) {
                n++;
                Vector v = r.getLogicalTypeValue("features", Vector.class);
                assertEquals(16, v.size());
                if (r.getDouble("sepal_length") == 5.1
                    && r.getDouble("petal_width") == 0.2
                    && r.getDouble("sepal_width") == 3.5
                    && r.getDouble("petal_length") == 1.4) {
                  assertArrayEquals(first, ((SparseVector) v).indices());
                }
              }
              assertEquals(150, n);
              return null;
            });
    TestRunner.DIRECT.run(p);
  }

  @Test
  void coderRoundTrips() {
    assertRoundTrips(
        FeatureHasher.of("a", "b").withNumFeatures(99).withCategoricalCols("b").transformer(),
        FeatureHasherMapper.Coder.of(),
        "feature-hasher");
  }
}
