package dev.bus.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The benchmark's picture, drawn with JFreeChart from the same run as the table:
 * throughput against the raw client per contender and scenario, and the latency
 * percentiles of the fixed-rate scenarios on a log scale. Horizontal bars, one row per
 * contender, since contenders' names are long and many.
 */
final class BenchmarkChart {

	private static final int WIDTH = 1100;

	private BenchmarkChart() {
	}

	/**
	 * Writes {@code <name>-throughput.png} and {@code <name>-latency.png} beside
	 * {@code report}; their names.
	 */
	static List<Path> write(Map<Scenario, Map<String, List<Measurement>>> results, String rawName, Path report)
			throws IOException {
		System.setProperty("java.awt.headless", "true");
		String base = report.getFileName().toString().replaceFirst("\\.md$", "").toLowerCase();
		Path throughput = report.resolveSibling(base + "-throughput.png");
		Path latency = report.resolveSibling(base + "-latency.png");
		DefaultCategoryDataset ratios = new DefaultCategoryDataset();
		DefaultCategoryDataset percentiles = new DefaultCategoryDataset();
		for (Map.Entry<Scenario, Map<String, List<Measurement>>> scenario : results.entrySet()) {
			String label = scenario.getKey().label;
			List<Measurement> raw = scenario.getValue().get(rawName);
			for (Map.Entry<String, List<Measurement>> contender : scenario.getValue().entrySet()) {
				if (scenario.getKey().rate > 0) {
					percentiles.addValue(BenchmarkMain.median(contender.getValue(), (m) -> m.percentile(50)),
							label + " p50", contender.getKey());
					percentiles.addValue(BenchmarkMain.median(contender.getValue(), (m) -> m.percentile(99)),
							label + " p99", contender.getKey());
				}
				else if (raw != null) {
					ratios.addValue(
							BenchmarkMain.median(contender.getValue(), Measurement::messagesPerSecond)
									/ BenchmarkMain.median(raw, Measurement::messagesPerSecond),
							label, contender.getKey());
				}
			}
		}
		save(chart("Throughput against the raw client (× raw, medians)", "× raw", ratios), throughput,
				ratios.getColumnCount());
		JFreeChart latencyChart = chart("Latency at a fixed rate (µs, medians, log scale)", "µs", percentiles);
		LogAxis axis = new LogAxis("µs");
		axis.setSmallestValue(100);
		axis.setNumberFormatOverride(new DecimalFormat("#,##0"));
		((CategoryPlot) latencyChart.getPlot()).setRangeAxis(axis);
		save(latencyChart, latency, percentiles.getColumnCount());
		return List.of(throughput, latency);
	}

	private static JFreeChart chart(String title, String axis, DefaultCategoryDataset dataset) {
		JFreeChart chart = ChartFactory.createBarChart(title, null, axis, dataset, PlotOrientation.HORIZONTAL, true,
				false, false);
		chart.setBackgroundPaint(Color.WHITE);
		chart.getPlot().setBackgroundPaint(Color.WHITE);
		((CategoryPlot) chart.getPlot()).setRangeGridlinePaint(Color.LIGHT_GRAY);
		return chart;
	}

	private static void save(JFreeChart chart, Path file, int rows) throws IOException {
		ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, Math.max(300, 120 + rows * 60));
	}

}
