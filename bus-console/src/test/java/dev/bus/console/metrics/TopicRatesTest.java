package dev.bus.console.metrics;

import java.net.ServerSocket;

import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** How the flow graph writes a topic's rates, and a Prometheus that does not answer. */
class TopicRatesTest {

	@Test
	void aTrickleReadsPerMinuteAndFailuresAreNamed() {
		assertThat(new TopicRates.TopicRate(1.0 / 60, 0.5, 0, 0).shown()).isEqualTo("1.0/min in, 30.0/min handled");
		assertThat(new TopicRates.TopicRate(12.5, 12.0, 3.2, 0.4).shown())
			.isEqualTo("12.5/s in, 12.0/s handled, 3 failed");
		assertThat(new TopicRates.TopicRate(0, 0, 0, 2).failing()).isTrue();
		assertThat(new TopicRates.TopicRate(1, 1, 0.3, 0.2).failing()).as("extrapolation noise below one message")
			.isFalse();
	}

	@Test
	void withoutPrometheusThereAreNoRatesAndAPrometheusThatDoesNotAnswerIsSaid() throws Exception {
		assertThat(new TopicRates(null).rates().byTopic()).isEmpty();
		assertThat(new TopicRates(null).rates().problem()).isNull();
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		TopicRates.Rates rates = new TopicRates(RestClient.create("http://127.0.0.1:" + closed)).rates();
		assertThat(rates.byTopic()).isEmpty();
		assertThat(rates.problem()).startsWith("Prometheus did not answer");
	}

}
