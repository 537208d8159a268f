package org.beamlink.models.classification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.Provenance;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.rows.FeatureColumns;
import org.junit.jupiter.api.Test;

/** {@link NaiveBayesModel}'s probability column and the two versions of its format. */
class NaiveBayesModelTest {
  private static final Schema INPUT =
      Schema.builder().addDoubleField("a").addDoubleField("b").build();

  /** Multinomial, smoothing 1: ham (2 rows) counts a 3, b 1; spam (1 row) counts a 0, b 2. */
  private static NaiveBayesModel hamSpam() {
    return NaiveBayesModel.discrete(
        NaiveBayesModelType.MULTINOMIAL,
        FeatureColumns.of(List.of("a", "b")),
        List.of("ham", "spam"),
        TypeName.STRING,
        new double[] {2, 1},
        new double[][] {{3, 1}, {0, 2}},
        1.0,
        0.0,
        Provenance.of("NaiveBayes", Map.of(), 0L, 1, Double.NaN, 3));
  }

  private static byte[] encode(NaiveBayesModel model) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NaiveBayesModel.Coder.of().encode(model, out);
    return out.toByteArray();
  }

  /**
   * For x = (1, 2): ham scores log(2/3) + log(4/6) + 2 log(2/6), spam log(1/3) + log(1/4) + 2
   * log(3/4) (smoothed counts over their sums); P(spam) is spam's share of the two.
   */
  @Test
  void probabilityColumnIsThePositiveClassProbability() {
    NaiveBayesModel model = hamSpam().withProbabilityCol("pSpam");
    Row out = model.bind(INPUT).apply(Row.withSchema(INPUT).addValues(1.0, 2.0).build());
    assertEquals(
        List.of("a", "b", "prediction", "predictionDetail", "pSpam"),
        out.getSchema().getFieldNames());
    assertEquals(FieldType.DOUBLE, out.getSchema().getField("pSpam").getType());
    double ham = Math.log(2.0 / 3) + Math.log(4.0 / 6) + 2 * Math.log(2.0 / 6);
    double spam = Math.log(1.0 / 3) + Math.log(1.0 / 4) + 2 * Math.log(3.0 / 4);
    double p = 1 / (1 + Math.exp(ham - spam));
    assertEquals(p, out.getDouble("pSpam"), 1e-15);
    assertEquals(
        out.getLogicalTypeValue("predictionDetail", Vector.class).get(1),
        out.getDouble("pSpam"),
        0.0);
  }

  @Test
  void formatVersionOneWithoutAndTwoWithAProbabilityColumn() throws IOException {
    byte[] plain = encode(hamSpam());
    assertEquals(1, plain[0]);
    NaiveBayesModel withP = hamSpam().withProbabilityCol("pSpam");
    byte[] bytes = encode(withP);
    assertEquals(2, bytes[0]);
    NaiveBayesModel back = NaiveBayesModel.Coder.of().decode(new ByteArrayInputStream(bytes));
    assertEquals(withP, back);
    assertEquals("pSpam", back.probabilityCol());
  }

  @Test
  void refusesAProbabilityColumnForMoreThanTwoLabels() {
    NaiveBayesModel three =
        NaiveBayesModel.discrete(
            NaiveBayesModelType.MULTINOMIAL,
            FeatureColumns.of(List.of("a", "b")),
            List.of("a", "b", "c"),
            TypeName.STRING,
            new double[] {1, 1, 1},
            new double[][] {{1, 0}, {0, 1}, {1, 1}},
            1.0,
            0.0,
            Provenance.of("NaiveBayes", Map.of(), 0L, 1, Double.NaN, 3));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> three.withProbabilityCol("p"));
    assertEquals(
        "A probability column needs a model of two labels; this one has 3: [a, b, c]",
        e.getMessage());
  }
}
