package org.beamlink.transforms.feature;

import java.util.List;

/** Checks of the column parameters the feature transforms share. */
final class FitParams {
  private FitParams() {}

  /** {@code name}, checked to be a column name. */
  static String columnName(String name, String param) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Expected a column name for " + param + ", got " + name);
    }
    return name;
  }

  /** {@code names}, checked to be at least one column name. */
  static List<String> columnNames(String[] names, String param) {
    if (names == null || names.length == 0) {
      throw new IllegalArgumentException(
          "Expected at least one column for " + param + ", got none");
    }
    for (String name : names) {
      columnName(name, param);
    }
    return List.of(names);
  }

  /** Fails when a required parameter was not set. */
  static void require(Object value, String setter, String stage) {
    if (value == null) {
      throw new IllegalArgumentException(stage + " needs " + setter + "(..)");
    }
  }

  /** Fails unless {@code value} is finite. */
  static void finite(double value, String param) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("Expected a finite " + param + ", got " + value);
    }
  }
}
