package org.beamlink.examples.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.beamlink.transforms.evaluation.BinaryMetrics;
import org.beamlink.transforms.evaluation.ClusteringMetrics;
import org.beamlink.transforms.evaluation.EvaluationMetrics;
import org.beamlink.transforms.evaluation.MultiClassMetrics;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The {@code --report DIR} of {@code beamlink eval}: each chart as a PNG file (drawn by JFreeChart,
 * with AWT headless) and an {@code index.html} showing the metrics table, the text report and the
 * charts side by side.
 *
 * <pre>{@code
 * Path index = EvalReport.write(dir, metrics, EvalReport.binaryCharts(metrics), "predictions.csv");
 * }</pre>
 */
final class EvalReport {
  private static final int WIDTH = 560;
  private static final int HEIGHT = 420;

  /**
   * One chart of a report.
   *
   * @param file the PNG file name
   * @param chart the chart
   */
  record Chart(String file, JFreeChart chart) {}

  private EvalReport() {}

  /**
   * Writes the charts and {@code index.html} into {@code dir} (created if needed) and returns the
   * HTML file.
   */
  static Path write(Path dir, EvaluationMetrics metrics, List<Chart> charts, String input)
      throws IOException {
    Files.createDirectories(dir);
    StringBuilder images = new StringBuilder();
    for (Chart c : charts) {
      ChartUtils.saveChartAsPNG(dir.resolve(c.file()).toFile(), c.chart(), WIDTH, HEIGHT);
      images
          .append("<figure><img src=\"")
          .append(escape(c.file()))
          .append("\" width=\"")
          .append(WIDTH)
          .append("\" alt=\"")
          .append(escape(c.chart().getTitle().getText()))
          .append("\"></figure>\n");
    }
    StringBuilder table = new StringBuilder("<table>\n<tr><th>metric</th><th>value</th></tr>\n");
    Row row = metrics.toRow();
    for (Schema.Field field : row.getSchema().getFields()) {
      Object value = row.getValue(field.getName());
      if (value instanceof Number || value instanceof String) {
        table
            .append("<tr><td>")
            .append(escape(field.getName()))
            .append("</td><td class=\"num\">")
            .append(escape(value instanceof Double d ? format(d) : String.valueOf(value)))
            .append("</td></tr>\n");
      }
    }
    table.append("</table>\n");
    String html =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<title>Evaluation of "
            + escape(input)
            + "</title>\n<style>\n"
            + "body { font-family: sans-serif; margin: 2em; }\n"
            + ".layout { display: flex; gap: 2em; align-items: flex-start; }\n"
            + ".charts { display: flex; flex-wrap: wrap; gap: 1em; }\n"
            + "figure { margin: 0; }\n"
            + "table { border-collapse: collapse; }\n"
            + "td, th { border-bottom: 1px solid #ddd; padding: 0.2em 0.8em; text-align: left; }\n"
            + "td.num { text-align: right; font-family: monospace; }\n"
            + "pre { background: #f6f6f6; padding: 1em; }\n"
            + "</style>\n</head>\n<body>\n<h1>Evaluation of "
            + escape(input)
            + "</h1>\n<div class=\"layout\">\n<div>\n"
            + table
            + "</div>\n<div class=\"charts\">\n"
            + images
            + "</div>\n</div>\n<h2>Report</h2>\n<pre>"
            + escape(metrics.report())
            + "</pre>\n</body>\n</html>\n";
    Path index = dir.resolve("index.html");
    Files.writeString(index, html, StandardCharsets.UTF_8);
    return index;
  }

  /** The ROC, precision-recall, KS and lift charts of binary metrics, from their curve rows. */
  static List<Chart> binaryCharts(BinaryMetrics m) {
    System.setProperty("java.awt.headless", "true");
    List<Row> curve = m.curveRows();
    XYSeries roc = new XYSeries("ROC", false, true);
    XYSeries pr = new XYSeries("precision-recall", false, true);
    XYSeries tpr = new XYSeries("true positive rate", false, true);
    XYSeries fpr = new XYSeries("false positive rate", false, true);
    XYSeries lift = new XYSeries("lift", false, true);
    roc.add(0.0, 0.0);
    tpr.add(0.0, 0.0);
    fpr.add(0.0, 0.0);
    for (Row r : curve) {
      roc.add(r.getDouble("falsePositiveRate"), r.getDouble("recall"));
      pr.add(r.getDouble("recall"), r.getDouble("precision"));
      tpr.add(r.getDouble("positiveRate"), r.getDouble("recall"));
      fpr.add(r.getDouble("positiveRate"), r.getDouble("falsePositiveRate"));
      lift.add(r.getDouble("positiveRate"), r.getDouble("lift"));
    }
    XYSeries chance = new XYSeries("chance", false, true);
    chance.add(0.0, 0.0);
    chance.add(1.0, 1.0);
    List<Chart> charts = new ArrayList<>();
    charts.add(
        new Chart(
            "roc.png",
            line(
                "ROC curve (AUC " + format(m.auc()) + ")",
                "false positive rate",
                "true positive rate",
                roc,
                chance)));
    charts.add(
        new Chart(
            "pr.png",
            line(
                "Precision-recall curve (average precision " + format(m.averagePrecision()) + ")",
                "recall",
                "precision",
                pr)));
    charts.add(
        new Chart(
            "ks.png",
            line(
                "KS curve (KS " + format(m.ks()) + ")",
                "fraction predicted positive",
                "rate",
                tpr,
                fpr)));
    charts.add(
        new Chart("lift.png", line("Lift curve", "fraction predicted positive", "lift", lift)));
    return charts;
  }

  /** A bar chart of precision, recall and F1 per class. */
  static List<Chart> multiClassCharts(MultiClassMetrics m) {
    System.setProperty("java.awt.headless", "true");
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (int i = 0; i < m.labels().size(); i++) {
      String label = m.labels().get(i);
      data.addValue(m.precision(i), "precision", label);
      data.addValue(m.recall(i), "recall", label);
      data.addValue(m.f1(i), "F1", label);
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            "Per class (accuracy " + format(m.accuracy()) + ")",
            "class",
            "score",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    chart.setBackgroundPaint(Color.WHITE);
    return List.of(new Chart("classes.png", chart));
  }

  static List<Chart> clusterSizeCharts(ClusteringMetrics m) {
    System.setProperty("java.awt.headless", "true");
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    long[] sizes = m.clusterSizes();
    for (int i = 0; i < sizes.length; i++) {
      data.addValue(sizes[i], "rows", m.clusters().get(i));
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            "Cluster sizes (silhouette " + format(m.silhouette()) + ")",
            "cluster",
            "rows",
            data,
            PlotOrientation.VERTICAL,
            false,
            false,
            false);
    chart.setBackgroundPaint(Color.WHITE);
    return List.of(new Chart("clusters.png", chart));
  }

  private static JFreeChart line(String title, String x, String y, XYSeries... series) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (XYSeries s : series) {
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, x, y, data, PlotOrientation.VERTICAL, series.length > 1, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < series.length; i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2.0f));
    }
    plot.setRenderer(renderer);
    return chart;
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
