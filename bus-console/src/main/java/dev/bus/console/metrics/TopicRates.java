package dev.bus.console.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;

/**
 * Live rates and failure counts per topic from the apps' meters, as Prometheus has
 * scraped them ({@code bus.console.prometheus-url}): what the flow graph writes on each
 * topic. Prometheus rather than each app's actuator: a rate needs two readings over time,
 * and Prometheus already keeps them for every instance.
 */
public class TopicRates {

	static final String PUBLISHED = "sum by (topic) (rate(bus_publish_seconds_count{outcome=\"confirmed\"}[1m]))";

	static final String DELIVERED = "sum by (topic) (rate(bus_delivery_seconds_count{outcome=\"consumed\"}[1m]))";

	static final String FAILED_PUBLISHES = "sum by (topic) (increase(bus_publish_seconds_count{outcome=\"failed\"}[15m]))";

	static final String DEAD_LETTERED = "sum by (topic) (increase(bus_delivery_seconds_count{outcome=\"dead-lettered\"}[15m]))";

	private final RestClient prometheus;

	/**
	 * @param prometheus Prometheus's HTTP API, or {@code null} when none is configured
	 */
	public TopicRates(RestClient prometheus) {
		this.prometheus = prometheus;
	}

	/** The rates of every topic the apps' meters name, or why there are none. */
	public Rates rates() {
		if (this.prometheus == null) {
			return new Rates(Map.of(), null);
		}
		try {
			Map<String, Double> published = query(PUBLISHED);
			Map<String, Double> delivered = query(DELIVERED);
			Map<String, Double> failed = query(FAILED_PUBLISHES);
			Map<String, Double> deadLettered = query(DEAD_LETTERED);
			Map<String, TopicRate> rates = new TreeMap<>();
			for (Map<String, Double> series : java.util.List.of(published, delivered, failed, deadLettered)) {
				series.keySet()
					.forEach((topic) -> rates.computeIfAbsent(topic,
							(key) -> new TopicRate(published.getOrDefault(key, 0.0), delivered.getOrDefault(key, 0.0),
									failed.getOrDefault(key, 0.0), deadLettered.getOrDefault(key, 0.0))));
			}
			return new Rates(rates, null);
		}
		catch (RestClientException ex) {
			return new Rates(Map.of(), "Prometheus did not answer ("
					+ ex.getMostSpecificCause().getClass().getSimpleName() + "): no live rates");
		}
	}

	private Map<String, Double> query(String promql) {
		JsonNode answer = this.prometheus.get()
			.uri((uri) -> uri.path("/api/v1/query").queryParam("query", "{query}").build(promql))
			.retrieve()
			.body(JsonNode.class);
		Map<String, Double> values = new LinkedHashMap<>();
		for (JsonNode series : answer.path("data").path("result")) {
			String topic = series.path("metric").path("topic").asString(null);
			double value = series.path("value").path(1).asDouble(Double.NaN);
			if (topic != null && !Double.isNaN(value)) {
				values.put(topic, value);
			}
		}
		return values;
	}

	/**
	 * The rates, by topic, or why Prometheus gave none.
	 *
	 * @param byTopic each topic's rates
	 * @param problem why there are none, or {@code null}
	 */
	public record Rates(Map<String, TopicRate> byTopic, String problem) {

		public TopicRate of(String topic) {
			return this.byTopic.get(topic);
		}

	}

	/**
	 * One topic's rates.
	 *
	 * @param published confirmed publishes per second, over the last minute
	 * @param delivered deliveries handled per second, over the last minute
	 * @param failedPublishes publishes that failed in the last 15 minutes
	 * @param deadLettered deliveries dead-lettered in the last 15 minutes
	 */
	public record TopicRate(double published, double delivered, double failedPublishes, double deadLettered) {

		/**
		 * As the graph writes it: {@code 12.0/min in, 11.8/min handled, 2 dead-lettered}.
		 */
		public String shown() {
			StringBuilder text = new StringBuilder(rate(this.published)).append(" in, ")
				.append(rate(this.delivered))
				.append(" handled");
			if (this.failedPublishes >= 0.5) {
				text.append(String.format(java.util.Locale.ROOT, ", %.0f failed", this.failedPublishes));
			}
			if (this.deadLettered >= 0.5) {
				text.append(String.format(java.util.Locale.ROOT, ", %.0f dead-lettered", this.deadLettered));
			}
			return text.toString();
		}

		/**
		 * Per second, or per minute below one a second: a trickle reads {@code 1.0/min}.
		 */
		private static String rate(double perSecond) {
			return (perSecond >= 1) ? String.format(java.util.Locale.ROOT, "%.1f/s", perSecond)
					: String.format(java.util.Locale.ROOT, "%.1f/min", perSecond * 60);
		}

		public boolean failing() {
			return this.failedPublishes >= 0.5 || this.deadLettered >= 0.5;
		}

	}

}
