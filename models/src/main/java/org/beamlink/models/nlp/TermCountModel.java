package org.beamlink.models.nlp;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.models.linalg.Vector;
import org.beamlink.models.linalg.VectorLogicalType;
import org.beamlink.models.pipeline.Transformer;
import org.beamlink.models.rows.OutputColumns;

/**
 * A fitted term-count vectorizer (DocCountVectorizer, DocHashCountVectorizer): maps the token array
 * of {@code inputCol} to a sparse vector in {@code outputCol}, weighted as {@link TermWeighting}
 * says, from each kept term's document frequency and the number of documents fitted on (the IDF
 * weights are computed from them). A null token array, or a null token, is an error naming column
 * and row.
 *
 * <p>A subclass keeps its terms (a vocabulary, hash buckets), says where a token goes in {@link
 * #vectorize} and adds its own parameters.
 */
abstract class TermCountModel implements Transformer {
  private static final long serialVersionUID = 1L;

  final String inputCol;
  final String outputCol;
  final long[] docFreqs;
  final long numDocs;
  final TermWeighting weighting;
  final double[] idf;

  /**
   * Checks the columns and that there are {@code numTerms} document frequencies in {@code [1,
   * numDocs]}.
   */
  TermCountModel(
      String inputCol,
      String outputCol,
      int numTerms,
      long[] docFreqs,
      long numDocs,
      TermWeighting weighting) {
    if (inputCol == null || inputCol.isEmpty() || outputCol == null || outputCol.isEmpty()) {
      throw new IllegalArgumentException(
          "Expected input and output column names, got " + inputCol + " and " + outputCol);
    }
    if (numDocs < 1) {
      throw new IllegalArgumentException("Expected numDocs >= 1, got " + numDocs);
    }
    if (docFreqs.length != numTerms) {
      throw new IllegalArgumentException(
          "Expected " + numTerms + " document frequencies, got " + docFreqs.length);
    }
    for (long df : docFreqs) {
      if (df < 1 || df > numDocs) {
        throw new IllegalArgumentException(
            "Expected document frequencies in [1, " + numDocs + "], got " + df);
      }
    }
    this.inputCol = inputCol;
    this.outputCol = outputCol;
    this.docFreqs = docFreqs.clone();
    this.numDocs = numDocs;
    this.weighting = Objects.requireNonNull(weighting);
    this.idf = weighting.idf(docFreqs, numDocs);
  }

  /** The stage's name in messages. */
  abstract String stageName();

  /** The stage's own parameters, after the columns. */
  abstract void addParameters(Map<String, String> parameters);

  /**
   * The vector of one document.
   *
   * @throws NullPointerException for a null token
   */
  public abstract Vector vectorize(List<String> tokens);

  /** The token column read. */
  public String inputCol() {
    return inputCol;
  }

  /** The vector column appended. */
  public String outputCol() {
    return outputCol;
  }

  /** How many fitted documents hold each kept term (a copy). */
  public long[] documentFrequencies() {
    return docFreqs.clone();
  }

  /** The number of documents fitted on. */
  public long numDocs() {
    return numDocs;
  }

  /** How terms are weighed. */
  public TermWeighting weighting() {
    return weighting;
  }

  /** The IDF weight of each kept term by the model's formula (a copy). */
  public double[] idf() {
    return idf.clone();
  }

  @Override
  public Schema outputSchema(Schema input) {
    TokenColumns.tokenColumn(input, inputCol, stageName());
    return OutputColumns.append(input, Schema.Field.of(outputCol, VectorLogicalType.FIELD_TYPE));
  }

  @Override
  public Bound bind(Schema input) {
    Schema output = outputSchema(input);
    int column = input.indexOf(inputCol);
    String stage = stageName();
    return new Bound() {
      @Override
      public Schema outputSchema() {
        return output;
      }

      @Override
      public Row apply(Row row) {
        List<String> tokens = TokenColumns.tokens(row, column, inputCol, stage);
        return OutputColumns.row(output, row, vectorize(tokens));
      }
    };
  }

  @Override
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("inputCol", inputCol);
    p.put("outputCol", outputCol);
    addParameters(p);
    return p;
  }

  /** True when {@code other} has the same columns, frequencies and weighting. */
  boolean sameCounts(TermCountModel other) {
    return inputCol.equals(other.inputCol)
        && outputCol.equals(other.outputCol)
        && Arrays.equals(docFreqs, other.docFreqs)
        && numDocs == other.numDocs
        && weighting.equals(other.weighting);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + parameters();
  }
}
