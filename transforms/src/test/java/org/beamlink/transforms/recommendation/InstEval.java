package org.beamlink.transforms.recommendation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Real ratings for the recommendation tests: the committed slice {@code
 * recommendation/insteval_slice.csv} of lme4's InstEval (lecture evaluations by students at ETH
 * Zurich, GPL >= 2, made by {@code insteval_slice.R} beside it): 11,073 ratings 1-5 of the 150 most
 * rated lecturers by 980 students, no pair twice; its columns s, d and y here named user, item and
 * rating.
 */
public final class InstEval {
  /** Student (user), lecturer (item) and rating, as the CSV's columns. */
  public static final Schema SCHEMA =
      Schema.builder().addInt64Field("user").addInt64Field("item").addDoubleField("rating").build();

  private InstEval() {}

  /** Every rating, in the file's order. */
  public static List<Row> ratings() {
    List<Row> rows = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                InstEval.class.getResourceAsStream("/recommendation/insteval_slice.csv"),
                StandardCharsets.UTF_8))) {
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",");
        rows.add(
            Row.withSchema(SCHEMA)
                .addValues(Long.parseLong(f[0]), Long.parseLong(f[1]), Double.parseDouble(f[2]))
                .build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** The ratings ALS trains on: all but every fifth (rows 4, 9, 14, ... from 0). */
  static List<Row> training() {
    List<Row> all = ratings();
    List<Row> out = new ArrayList<>();
    for (int k = 0; k < all.size(); k++) {
      if (k % 5 != 4) {
        out.add(all.get(k));
      }
    }
    return out;
  }

  /** The held-out ratings: every fifth. */
  static List<Row> heldOut() {
    List<Row> all = ratings();
    List<Row> out = new ArrayList<>();
    for (int k = 4; k < all.size(); k += 5) {
      out.add(all.get(k));
    }
    return out;
  }
}
