package com.example;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes {@code customers.csv}: {@code age,income,plan,city,churned} for N generated customers
 * (seeded), churning with a logistic model of age, log income, plan and city.
 *
 * <pre>{@code
 * java com.example.Customers customers.csv 20000
 * }</pre>
 */
public final class Customers {
  private static final String[] PLANS = {"basic", "plus", "pro"};
  private static final double[] PLAN_EFFECT = {0.8, 0.0, -0.9};
  private static final String[] CITIES = {"Oslo", "Lima", "Pune", "Kyiv"};

  private Customers() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    SplittableRandom random = new SplittableRandom(7);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      out.println("age,income,plan,city,churned");
      for (int i = 0; i < n; i++) {
        int age = random.nextInt(18, 81);
        double logIncome = 10.5 + 0.5 * gaussian(random);
        double income = Math.round(Math.exp(logIncome) * 100) / 100.0;
        int plan = random.nextInt(PLANS.length);
        int city = random.nextInt(CITIES.length);
        double z =
            -1.0
                + 0.04 * (age - 45)
                - 0.5 * (logIncome - 10.5)
                + PLAN_EFFECT[plan]
                + (city == 1 ? 0.4 : 0.0);
        int churned = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
        out.printf(
            Locale.ROOT, "%d,%.2f,%s,%s,%d%n", age, income, PLANS[plan], CITIES[city], churned);
      }
    }
  }

  /** A standard normal number (Box-Muller). */
  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
